"""The official SDK (huaweicloudsdkocr) as the client of the emulator, for all 52 operations:
its response objects flatten to the same frames as the body the emulator sent, with and without
``raw_content``, and carry the request id; the emulator's bodies deserialize into the SDK
models with no field dropped."""

from __future__ import annotations

import decimal
import json
import random
import warnings

import pandas as pd
import pytest

from ocrframe import flatten, read_response
from ocrframe.catalog import CATALOG
from ocrframe.catalog.model_keys import response_model_name
from ocrframe.response import sdk_response_body
from ocrframe.synth import synthesize
from ocrframe.synth.sdk_models import TREES_FILE, render

sdk = pytest.importorskip("huaweicloudsdkocr.v1")
core_client = pytest.importorskip("huaweicloudsdkcore.client")

# Fields the reference documents (or shows in its examples) that the SDK model cannot hold:
# the SDK drops or coerces them, so only raw_content keeps them.
SDK_MODEL_GAPS = {
    "passport": {"machine_code", "machine_code2"},  # in the reference examples only
    "peru-id-card": {"birth_place", "portrait_image", "portrait_location"},  # number / null
}


def _model(spec):
    name = response_model_name(spec)
    found = getattr(sdk, name, None)
    return found or next(getattr(sdk, n) for n in dir(sdk) if n.lower() == name.lower())


class _Deserializer(core_client.Client):
    def __init__(self):  # only the SDK's JSON -> model machinery, no HTTP
        self.model_package = sdk.model


def _as_sdk_object(spec, body):
    data = json.loads(json.dumps(body), parse_float=decimal.Decimal)  # as the SDK parses
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _Deserializer()._deserialize(data, _model(spec).__name__)


def _lost(sent, kept, path=""):
    """JSON paths of ``sent`` missing from ``kept`` or changed."""
    if isinstance(sent, dict):
        if not isinstance(kept, dict):
            return [path]
        return [p for k, v in sent.items() for p in _lost(v, kept.get(k, _lost), f"{path}.{k}")]
    if isinstance(sent, list):
        if not isinstance(kept, list) or len(kept) != len(sent):
            return [path]
        return [p for a, b in zip(sent, kept, strict=True) for p in _lost(a, b, f"{path}[]")]
    same = sent == kept and isinstance(sent, bool) == isinstance(kept, bool)
    return [] if same and isinstance(sent, str) == isinstance(kept, str) else [path]


def _flags(spec, seed):
    rng = random.Random(seed)
    return {p.name: rng.random() < 0.6 for p in spec.params if p.type == "boolean"}


def _as_kept(sent, kept, fields):
    """``sent`` with the gap ``fields`` as the SDK model kept them (coerced or absent)."""
    body = json.loads(json.dumps(sent))
    result, model_result = body["result"], kept["result"]
    if isinstance(result, list):
        pairs = list(zip(result, model_result, strict=True))
    else:
        pairs = [(result, model_result)]
    for item, model in pairs:
        for name in fields:
            if name in model:
                item[name] = model[name]
            else:
                item.pop(name, None)
    return body


@pytest.mark.parametrize("spec", CATALOG, ids=lambda s: s.slug)
def test_emulator_bodies_deserialize_into_sdk_models_without_loss(spec):
    for seed in range(6):
        body = synthesize(spec.slug, seed=seed, params=_flags(spec, seed))
        kept = sdk_response_body(_as_sdk_object(spec, body))
        lost = {p.split(".")[2].split("[")[0] for p in _lost(body, kept)}
        assert lost <= SDK_MODEL_GAPS.get(spec.slug, set()), (seed, sorted(_lost(body, kept)))


def test_sdk_trees_are_generated_from_the_installed_sdk():
    assert TREES_FILE.read_text("utf-8") == render(), "run python -m ocrframe.synth.sdk_models"


# --- the SDK over real HTTP ------------------------------------------------------------------


@pytest.fixture(scope="module")
def sdk_client():
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig

    from ocrframe.emulator import Emulator

    with Emulator() as emu:
        config = HttpConfig.get_default_config()
        config.retry_times = 0
        client = (
            sdk.OcrClient.new_builder()
            .with_credentials(BasicCredentials(emu.ak, emu.sk, emu.project_id))
            .with_endpoints([emu.url])
            .with_http_config(config)
            .build()
        )
        yield client, emu


def _request(spec):
    request_class = getattr(sdk, type(_model(spec)()).__name__.replace("Response", "Request"))
    body_class = getattr(sdk, request_class.openapi_types["body"])
    fields = body_class.openapi_types
    if spec.image_field is None:
        values = {k: f"{k}-1" for k in fields}
    else:
        values = {"url": f"https://example.com/{spec.slug}.jpg"}
        values.update(
            {p.name: True for p in spec.params if p.type == "boolean"} if spec.documented else {}
        )
        values = {k: v for k, v in values.items() if k in fields}
    return request_class(body=body_class(**values))


def _frames_equal(a, b):
    assert sorted(a) == sorted(b)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_dtype=False, obj=name)


def _canonical(frames):
    """Frames up to the order of keys: a model walk gives the model's field order, not the
    body's (rows, columns and the key order inside JSON text cells)."""

    def cell(v):
        try:
            return json.dumps(json.loads(v), sort_keys=True) if isinstance(v, str) else v
        except ValueError:
            return v

    out = {}
    for name, df in frames.items():
        df = df.reindex(sorted(df.columns), axis=1).map(cell)
        df = df.sort_values(by=list(df.columns), key=lambda c: c.astype(str))
        out[name] = df.reset_index(drop=True)
    return out


@pytest.mark.parametrize("spec", CATALOG, ids=lambda s: s.slug)
def test_official_sdk_objects_flatten_like_the_body_sent(sdk_client, spec):
    client, emu = sdk_client
    obj = getattr(client, spec.sdk_method)(_request(spec))
    sent = json.loads(obj.raw_content)  # the exact bytes the emulator sent
    record = emu.request_log[-1]
    assert record.api == spec.slug and record.auth == "aksk" and record.status == 200

    exact = read_response(obj)
    assert exact.request_id == obj.x_request_id == record.request_id
    assert exact.raw == sent and exact.api == read_response(sent).api
    _frames_equal(flatten(exact), flatten(read_response(sent)))

    obj._raw_content = None  # as an object built without the HTTP body
    walked = read_response(obj)
    assert walked.request_id == record.request_id and walked.status == 200
    gaps = SDK_MODEL_GAPS.get(spec.slug, set())
    assert {p.split(".")[2].split("[")[0] for p in _lost(sent, walked.raw)} <= gaps
    expected = read_response(_as_kept(sent, walked.raw, gaps), api=walked.api)
    _frames_equal(_canonical(flatten(walked)), _canonical(flatten(expected)))
