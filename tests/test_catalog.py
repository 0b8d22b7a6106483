"""The catalog is the one home of per-API facts; errors.ERROR_CODES the one error-code table."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path

import pandas as pd
import pytest

import ocrframe
from ocrframe.catalog import APIS, CATALOG, get_api, local_apis, signature_keys
from ocrframe.cloud.transport import RetryPolicy
from ocrframe.detection import detect_api, guess_api
from ocrframe.emulator.errors import WireError
from ocrframe.errors import ERROR_CODES, RETRY_KINDS, ApiError, classify_error, retry_kind
from ocrframe.response import read_response
from ocrframe.synth import synthesize, synthesize_error

PACKAGE = Path(ocrframe.__file__).parent
REFERENCE = PACKAGE.parent.parent / "shared" / "reference" / "error_codes.md"


# --- per-API records ---------------------------------------------------------------------------


def test_records_are_frozen_and_carry_their_facts():
    spec = get_api("general-text")
    assert spec.max_pixels == 160_000_000 and spec.local
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.local = False  # type: ignore[misc]
    # expected fields are a record field, not a patch of ``extra`` at import
    assert all("fields" not in s.extra for s in CATALOG)
    assert get_api("passport").expected_fields[:2] == ("country_code", "passport_number")


def test_every_signature_detects_its_api():
    for spec in CATALOG:
        for key_set in spec.signatures:
            result = dict.fromkeys(sorted(key_set), "x")
            body = {"result": [result] if spec.result_kind == "list" else result}
            assert detect_api(body) == spec.slug, (spec.slug, key_set)


def test_signature_keys_come_from_the_records():
    keys = set(signature_keys(excluding=("general-text",)))
    assert "passport_number" in keys and "markdown_result" not in keys
    assert keys == {
        k for s in CATALOG if s.slug != "general-text" for ks in s.signatures for k in ks
    }


def test_local_engine_and_emulator_read_the_local_fact():
    from ocrframe.local import SUPPORTED_APIS, answers

    assert SUPPORTED_APIS == local_apis() == tuple(s.slug for s in CATALOG if s.local)
    assert [s.slug for s in CATALOG if answers(s.slug)] == list(local_apis())
    source = (PACKAGE / "emulator" / "backend.py").read_text()
    assert "answers(spec.slug" in source and "ENGINE_APIS" not in source


@pytest.mark.parametrize("slug", ["id-card", "vin", "invoice-verification"])
def test_flat_field_bodies_are_guessed_from_expected_fields(slug):
    resp = read_response(synthesize(slug, seed=4))
    assert resp.api == slug and resp.api_guessed
    assert "guessed" in repr(resp)


def test_detected_and_given_apis_are_not_guesses():
    assert not read_response(synthesize("passport", seed=1)).api_guessed
    assert not read_response({"result": {"vin": "X"}}, api="vin").api_guessed
    # a body that several APIs fit equally, or that only shares one key, is not guessed
    assert guess_api({"result": {"vin": "X", "a": 1, "b": 2, "c": 3}}) is None
    assert guess_api({"result": []}) is None


# --- the error-code table ----------------------------------------------------------------------

_CATEGORY = {"bad": "bad_input", "auth": "auth", "quota": "throttling", "server": "server"}


def _reference_rows():
    if not REFERENCE.is_file():
        pytest.skip("shared/reference/error_codes.md is not available")
    rows = {}
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 7 and re.fullmatch(r"(AIS|ModelArts|APIG)\.\d{4}", cells[1]):
            rows[cells[1]] = cells
    return rows


def _reference_retry(text: str) -> str:
    if text.startswith("Yes, but only after a long delay"):
        return "after_hours"
    if text.startswith("Yes"):
        return "backoff"
    if text.startswith("Limited"):
        return "limited"
    if "retry once" in text:
        return "refresh"
    return "never"


def test_table_matches_every_code_of_the_reference():
    rows = _reference_rows()
    assert set(ERROR_CODES) == set(rows) and len(rows) == 46
    for code, cells in rows.items():
        row = ERROR_CODES[code]
        if "XX" not in cells[2]:  # APIG.0308's message carries the real limit
            assert row.message == cells[2], code
        category = _CATEGORY.get(cells[5].split()[0], "other")
        assert row.category == category, code
        assert row.retry == _reference_retry(cells[6]), code
        assert row.retry in RETRY_KINDS and 400 <= row.status < 600


def test_retry_classes_follow_the_reference():
    policy = RetryPolicy(total=4, limited=1)
    assert retry_kind("AIS.0118") == "after_hours"
    tax = ApiError.from_body({"error_code": "AIS.0118", "error_msg": "m"}, status=500)
    assert not tax.retryable and policy.budget(tax) == 0
    for code in ("ModelArts.4603", "ModelArts.4704"):
        err = ApiError.from_body({"error_code": code, "error_msg": "m"}, status=400)
        assert err.retryable and not err.full_retry and policy.budget(err) == 1
    busy = ApiError.from_body({"error_code": "APIG.0308", "error_msg": "m"}, status=429)
    assert policy.budget(busy) == 4
    token = ApiError.from_body({"error_code": "ModelArts.0203", "error_msg": "m"}, status=401)
    assert token.refreshable and not token.retryable


def test_emulator_and_synthesizer_read_the_table():
    for code, row in ERROR_CODES.items():
        wire = WireError(code)
        assert (wire.status, wire.message) == (row.status, row.message)
        assert synthesize_error(code)["error_msg"] == row.message
        assert classify_error(code) == row.category


# --- architecture ------------------------------------------------------------------------------


def _imports(path: Path, module: str) -> set[str]:
    """ocrframe modules imported by ``module`` (relative imports resolved, any depth)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            targets = [name] + [f"{name}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        found.update(t for t in targets if t.startswith("ocrframe"))
    return found


def test_no_import_cycle_among_catalog_response_errors():
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    core = {m for m in modules if m.startswith("ocrframe.catalog")}
    core |= {"ocrframe.response", "ocrframe.errors"}

    def deps(m):
        out = set()
        for t in _imports(modules[m], m):
            while t not in modules and "." in t:
                t = t.rsplit(".", 1)[0]
            # importing a submodule runs its packages' __init__ too
            parts = t.split(".")
            out |= {".".join(parts[: i + 1]) for i in range(1, len(parts))} & core
        ancestors = {m.rsplit(".", i)[0] for i in range(1, m.count(".") + 1)}
        return out - {m} - ancestors  # a module's own packages are initialised before it

    def reaches(start, goal, seen):
        for d in deps(start):
            if d == goal or (d not in seen and (seen.add(d) or reaches(d, goal, seen))):
                return True
        return False

    cycles = [m for m in sorted(core) if reaches(m, m, set())]
    assert not cycles, f"import cycle through {cycles}"


def test_catalog_knows_all_52_operations():
    assert len(APIS) == 52


# --- detection by the SDK's response models ------------------------------------------------------

# Bodies no reading can tell apart: Handwriting's and Custom Template's hold General Text's keys
# alone, a Financial Statement without image_size or rectification_matrix General Table's.
ALIKE = {"handwriting": "general-text", "custom-template": "general-text",
         "financial-statement": "general-table"}  # fmt: skip


@pytest.mark.parametrize("spec", CATALOG, ids=lambda s: s.slug)
def test_a_body_saved_without_its_api_is_named_as_its_model_says(spec):
    """A VAT invoice read without its API was named Invoice Verification (whose expected
    fields it holds), a Vehicle License Auto ID Document Classification (its alarm_result is
    that API's signature), a Health Code General Text, and 24 others none at all."""
    for seed in range(4):
        got = read_response(json.dumps(synthesize(spec.slug, seed=seed))).api
        assert got in {spec.slug, ALIKE.get(spec.slug, spec.slug)}, (seed, got)


def test_model_keys_are_generated_from_the_installed_sdk():
    pytest.importorskip("huaweicloudsdkocr")
    from ocrframe.catalog.model_keys import KEYS_FILE, render

    assert KEYS_FILE.read_text("utf-8") == render(), "run python -m ocrframe.catalog.model_keys"


def test_a_fit_needs_every_key_declared_and_one_model_tightest():
    from ocrframe.detection import fitting_api, refit

    assert fitting_api({"sum_amount", "sum_tax", "seller_name", "unheard_of"}) is None
    assert fitting_api({"name", "sex"}) is None  # two keys many models declare
    # an auto classification element without status or seal_mark: household register's too
    assert fitting_api({"type", "location", "content"}, "list") is None
    # a signature's API is kept when its model declares every key, or no other model does
    assert refit({"type", "location", "confidence"}, "auto-id-doc-classification") == (
        "auto-id-doc-classification"
    )
    assert refit({"passport_number", "machine_code"}, "passport") == "passport"


def test_every_payload_of_the_sdk_models_is_kept_out_of_the_frames():
    """Seal's ``seal_image`` went to the document frame and ``erased_seal_image`` to a
    fields row: each a whole Base64 image in a cell."""
    from ocrframe.response import BASE64_FIELDS
    from ocrframe.synth.sdk_models import load_trees

    def payloads(tree):
        if isinstance(tree, dict):
            for key, value in tree.items():
                yield from [key] if value == "b64" else payloads(value)
        elif isinstance(tree, list):
            for element in tree:
                yield from payloads(element)

    assert set(payloads(load_trees())) <= BASE64_FIELDS
    resp = read_response(
        synthesize(
            "seal", seed=1, params={"return_seal_image": True, "return_erased_seal_image": True}
        )
    )
    frames = resp.flatten()
    cells = pd.concat([f.astype(str) for f in frames.values()], ignore_index=True)
    assert not cells.stack().str.startswith("/9j/").any()
    assert {p.rsplit(".", 1)[-1] for p in resp.payloads()} == {"seal_image", "erased_seal_image"}
