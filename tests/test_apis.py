"""Tests of the API catalog (ocrframe.apis + ocrframe._catalog) against the reference files."""

from __future__ import annotations

import json
import keyword
import re
from pathlib import Path

import pytest

from ocrframe.catalog import APIS, DOCUMENTED, MB, REGION_ENDPOINTS, ApiSpec, get_api
from ocrframe.errors import InputError
from ocrframe.flatten._schema import FRAMES

SHARED = Path(__file__).parents[2] / "shared" / "reference"
FAMILIES = set(FRAMES) - {"other"}  # the frames a record may name
PARAM_TYPES = {"string", "boolean", "integer", "number", "array", "object"}
PY_TYPES = {"string": str, "boolean": bool, "integer": int, "number": (int, float)}
SDK_TYPES = {"str": "string", "bool": "boolean", "int": "integer", "list[str]": "array"}
CLIENT_ATTRIBUTES = {"call", "run", "close", "region", "endpoint", "session", "from_env", "apis"}


def _reference(name: str) -> Path:
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path


def _operations() -> list[tuple[str, str, str, str]]:
    """(seed display name, sdk method, slug, image fields) rows of sdk_operations.md."""
    text = _reference("sdk_operations.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| *([^|]*?) *\| `(\w+)` \| `POST /v2/\{project_id\}/ocr/([\w-]+)` "
        r"\| `\w+` \| ([^|]+)\|",
        text,
        flags=re.M,
    )
    assert len(rows) == 52, "sdk_operations.md changed shape"
    return rows


def test_counts_and_uniqueness():
    specs = list(APIS.values())
    assert len(specs) == 52
    assert len(DOCUMENTED) == 16
    assert all(APIS[s].documented for s in DOCUMENTED)
    for attr in ("slug", "method", "sdk_method", "name"):
        values = [getattr(s, attr) for s in specs]
        assert len(set(values)) == 52, f"duplicate {attr}"


def test_method_names_are_safe_identifiers():
    for spec in APIS.values():
        assert spec.method.isidentifier() and not keyword.iskeyword(spec.method), spec.method
        assert not spec.method.startswith("_")
        assert spec.method not in CLIENT_ATTRIBUTES
        assert spec.sdk_method.startswith("recognize_")


def test_every_sdk_operation_is_in_the_catalog():
    for seed, sdk_method, slug, fields in _operations():
        spec = APIS.get(slug)
        assert spec is not None, f"{slug} missing"
        assert spec.sdk_method == sdk_method
        assert spec.path == f"/v2/{{project_id}}/ocr/{slug}"
        first = fields.strip().split(",")[0]
        expected = first if first in ("image", "data") else None
        assert spec.image_field == expected, slug
        # the seed column names the 16 documented APIs by their display name
        assert spec.documented == bool(seed), slug
        if seed:
            assert spec.name == seed


def test_documented_params_match_sdk_request_models():
    trees = json.loads(_reference("sdk_response_trees.json").read_text(encoding="utf-8"))
    assert len(trees) == 16
    for name, tree in trees.items():
        spec = get_api(name)
        assert spec.documented and spec.sdk_method == tree["sdk_method"]
        assert spec.path == tree["path"]
        body = {k: SDK_TYPES[v["type"]] for k, v in tree["request_body"].items()}
        inputs = {k for k in body if k in ("image", "data", "url")}
        assert inputs == {spec.image_field, "url"}, name
        assert {p.name: p.type for p in spec.params} == {
            k: t for k, t in body.items() if k not in inputs
        }, name


@pytest.mark.parametrize(
    "name",
    [
        "thailand-license-plate",
        "thailand_plate_number",
        "recognize_thailand_license_plate",
        "Thailand Plate Number",
        "  THAILAND plate number ",
    ],
)
def test_get_api_aliases(name):
    assert get_api(name).slug == "thailand-license-plate"


def test_get_api_other_aliases():
    assert get_api("cambodian_id_card").slug == "cambodian-idcard"
    assert get_api("recognize_myanmar_idcard").slug == "myanmar-id-card"
    assert get_api("Myanmar Driving License").method == "myanmar_driving_license"
    assert get_api("qualification_certificate").slug == "transportation-qualification-certificate"
    assert get_api("auto_id_document_classification").slug == "auto-id-doc-classification"
    spec = get_api("general-text")
    assert get_api(spec) is spec


def test_get_api_unknown_name_suggests():
    with pytest.raises(
        InputError, match=r"unknown OCR API 'general_txt'.*Did you mean.*general-text"
    ):
        get_api("general_txt")
    with pytest.raises(InputError, match="must be a string"):
        get_api(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError):  # InputError is also a ValueError
        get_api("no-such-thing-at-all")


def test_regions():
    assert get_api("general_table").regions == ("ap-southeast-3",)
    assert get_api("colombia_id_card").regions == ("la-north-2",)
    assert get_api("general_text").regions == ("ap-southeast-1",)
    assert set(get_api("smart_document_recognizer").regions) == {"ap-southeast-1", "ap-southeast-3"}
    assert set(get_api("passport").regions) == {"ap-southeast-1", "ap-southeast-2"}
    # Table 1-1 also lists ap-southeast-2; the catalog keeps the union and says so
    myanmar = get_api("myanmar_id_card")
    assert set(myanmar.regions) == {"ap-southeast-1", "ap-southeast-2"}
    assert "Table 1-1" in myanmar.doc
    assert get_api("auto_id_document_classification").regions == ("ap-southeast-2",)
    assert get_api("id_document").regions == ("ap-southeast-1",)
    for slug in ("chile-id-card", "peru-id-card"):
        assert APIS[slug].regions == ("la-south-2",)
    for spec in APIS.values():
        assert set(spec.regions) <= set(REGION_ENDPOINTS), spec.slug
        assert bool(spec.regions) == spec.documented, spec.slug


def test_image_fields_and_result_shapes():
    data = {s.slug for s in APIS.values() if s.documented and s.image_field == "data"}
    assert data == {"smart-document-recognizer", "auto-id-doc-classification"}
    lists = {s.slug for s in APIS.values() if s.documented and s.result_kind == "list"}
    assert lists == {"smart-document-recognizer", "thailand-license-plate"}
    assert get_api("invoice_verification").image_field is None
    assert get_api("license_plate").result_kind == "list"
    assert get_api("seal").image_field == "data"
    assert {s.result_kind for s in APIS.values()} == {"object", "list"}


def test_input_limits():
    for spec in APIS.values():
        assert spec.max_base64_bytes == 10 * MB
        if spec.documented:
            assert spec.min_side is not None and spec.max_side is not None
            assert {"jpg", "jpeg", "png", "bmp", "tiff"} <= set(spec.formats), spec.slug
    pdf = {s.slug for s in APIS.values() if s.documented and s.accepts_pdf}
    assert pdf == {"smart-document-recognizer", "general-text", "peru-id-card"}
    assert get_api("id_document").min_side == 100
    assert get_api("general_text").max_side == 30000
    assert get_api("web_image").max_side == 30000
    assert get_api("general_table").max_side == 8192
    assert get_api("id_document").deprecated
    assert [s.slug for s in APIS.values() if s.deprecated] == ["id-document"]


def test_params_match_the_document():
    text = get_api("general_text")
    assert text.param_names == (
        "detect_direction", "quick_mode", "character_mode", "language",
        "single_orientation_mode", "pdf_page_number", "return_markdown_result",
    )  # fmt: skip
    defaults = {p.name: p.default for p in text.params}
    assert defaults["single_orientation_mode"] is False
    assert defaults["pdf_page_number"] == 1
    language = next(p for p in text.params if p.name == "language")
    assert len(language.choices) == 27 and "auto" in language.choices

    sdr = {p.name: p for p in get_api("smart_document_recognizer").params}
    assert len(sdr) == 13
    assert sdr["single_orientation_mode"].default is True  # opposite of General Text
    assert sdr["character_mode"].default is False
    assert sdr["kv"].default is None  # default not documented
    assert sdr["language"].choices == ("zh", "es", "ar", "pt", "tr", "th")
    assert sdr["kv_map"].type == "string"

    table = get_api("general_table")
    assert all(p.type == "boolean" and p.default is False for p in table.params)
    assert "with_borders" in table.param_names

    web = {p.name: p for p in get_api("web_image").params}
    assert web["detect_text_direction"].default is True
    assert web["extract_type"].type == "array"
    assert set(web["extract_type"].choices) == {"image_size", "contact_info"}

    idd = {p.name: p for p in get_api("id_document").params}
    assert idd["id_type"].choices == ("PP", "DL", "ID")
    assert "VNM" in idd["country_region"].choices
    assert {p.name for p in get_api("cambodian_id_card").params} >= {
        "detect_blur", "detect_glare", "detect_tampering", "detect_reproduce",
    }  # fmt: skip
    assert get_api("colombia_id_card").params == ()
    assert get_api("passport").params[0].choices == ("GENERAL", "CHN")
    assert get_api("auto_id_document_classification").params[0].default is False


def test_params_are_well_formed():
    for spec in APIS.values():
        names = spec.param_names
        assert len(set(names)) == len(names), spec.slug
        assert not {"image", "data", "url"} & set(names), spec.slug
        for p in spec.params:
            assert p.type in PARAM_TYPES, (spec.slug, p.name)
            if p.default is not None:
                assert isinstance(p.default, PY_TYPES[p.type]), (spec.slug, p.name)
                if p.choices:
                    assert p.default in p.choices, (spec.slug, p.name)
            if not spec.documented:
                assert p.default is None and p.choices == ()


@pytest.mark.parametrize("slug", sorted(APIS))
def test_families_name_every_frame_a_response_gives(slug):
    """A response with every flag on gave frames its record did not name (Smart Document
    Recognizer's outlines, Custom Template's words, which named fields)."""
    import ocrframe
    from ocrframe.synth import synthesize

    spec = APIS[slug]
    params = {p.name: True for p in spec.params if p.type == "boolean"}
    if slug == "web-image":
        params["extract_type"] = ["image_size"]
    for seed in range(4):
        body = synthesize(slug, seed=seed, params=params)
        frames = ocrframe.read_response(body, api=slug).flatten()
        assert set(frames) - {"other"} <= set(spec.families), (seed, sorted(frames))


def test_readme_lists_every_operation_as_the_catalog_records_it():
    """README's table of the 52 operations, row by row: slug, method, image field, frames."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    row = r"^\| [^|]+ \| `([a-z0-9-]+)` \| `(\w+)` \| ([^|]+) \|[^|]+\| ([a-z_, ]+) \|$"
    rows = re.findall(row, readme, re.M)
    assert sorted(r[0] for r in rows) == sorted(APIS)
    for slug, method, image_field, frames in rows:
        spec = APIS[slug]
        assert (method, image_field.strip(), frames) == (
            spec.method,
            spec.image_field or "—",
            ", ".join(spec.families),
        ), slug


def test_families():
    for spec in APIS.values():
        assert spec.families, spec.slug
        assert set(spec.families) <= FAMILIES, spec.slug
    assert get_api("general_text").families == ("words", "chars", "document")
    assert set(get_api("smart_document_recognizer").families) >= {
        "words", "chars", "kv", "kv_boxes", "cells", "layout", "formulas",
    }  # fmt: skip
    assert get_api("thailand_plate_number").families == ("plates",)
    assert get_api("license_plate").families == ("plates",)
    assert "alarms" in get_api("cambodian_id_card").families
    assert "alarms" in get_api("auto_id_document_classification").families
    assert "fonts" in get_api("web_image").families
    assert "cells" in get_api("general_table").families
    assert get_api("passport").families == ("fields",)


def test_undocumented_specs_say_where_they_come_from():
    for spec in APIS.values():
        assert isinstance(spec, ApiSpec)
        if not spec.documented:
            assert "SDK" in spec.doc and spec.regions == ()
    assert get_api("vat_invoice").param_names == (
        "advanced_mode", "return_text_location", "page_num", "ofd_to_image_mode",
    )  # fmt: skip


def test_did_you_mean_lists_each_api_once():
    for typo in ("general-txt", "thailand plate", "genral_text"):
        with pytest.raises(InputError) as info:
            get_api(typo)
        suggested = re.findall(r"'([a-z-]+)'", str(info.value).split("Did you mean", 1)[1])
        assert suggested and len(suggested) == len(set(suggested)), str(info.value)
