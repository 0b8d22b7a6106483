"""Presigned URLs (ocrframe/inputs/urls.py): the same object signed again is not billed again,
and no signature, access key ID or URL password reaches anything ocrframe shows or writes.
Real HTTP against the emulator on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import logging
import zipfile
from collections import Counter
from urllib.parse import quote

import pytest

from ocrframe.arguments import check_output
from ocrframe.cloud.client import Client
from ocrframe.datasets.batch import Batch, read_responses
from ocrframe.datasets.cache import Cache, input_digest
from ocrframe.datasets.dask import read_responses_dask
from ocrframe.datasets.expand import expand_inputs, task_key
from ocrframe.datasets.review import review_queue
from ocrframe.datasets.runner import run
from ocrframe.emulator import Emulator, Faults
from ocrframe.errors import InputError
from ocrframe.inputs.images import prepare
from ocrframe.inputs.urls import url_identity, url_label, url_secrets
from ocrframe.local.engine import LocalEngine

AK = "AKSIGNEDURLTEST00042"  # an access key ID: 20 characters, as the service issues them
PW = "PWsignedUrlPassw0rd7"
OBS = "https://scans.obs.cn-north-4.myhuaweicloud.com"


def signature(n: int, i: int) -> str:
    """A signature as OBS makes it (Base64, so with '+' and '/'), different per signing."""
    return base64.b64encode(hashlib.sha256(f"sig{n}/{i}".encode()).digest()).decode()


def signed(n: int) -> list[str]:
    """Three private objects presigned for the ``n``-th time (new Expires and Signature): two
    with OBS v2 query signing, one with SigV4 behind a URL password."""
    exp = 1_700_000_000 + 3600 * n
    v2 = [
        f"{OBS}/batch/page{i}.jpg?AccessKeyId={AK}&Expires={exp}"
        f"&Signature={quote(signature(n, i), safe='')}"
        for i in range(2)
    ]
    v4 = (
        f"https://reader:{PW}@files.example.com/doc.png?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={AK}%2F20261130%2Fcn-north-4%2Fs3%2Faws4_request"
        f"&X-Amz-Date=20261130T17{n:02d}00Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
        f"&X-Amz-Signature={hashlib.sha256(f'v4/{n}'.encode()).hexdigest()}"
    )
    return [*v2, v4]


def secrets_of(urls: list[str]) -> list[str]:
    sigs = [s for n in range(3) for s in (signature(n, 0), signature(n, 1))]
    v4 = [hashlib.sha256(f"v4/{n}".encode()).hexdigest() for n in range(3)]
    return [AK, PW, *sigs, *v4, *(s for u in urls for s in url_secrets(u))]


def assert_hidden(texts: list[str], secrets: list[str]) -> None:
    blob = "\n".join(texts)
    for secret in set(secrets):
        forms = {secret, quote(secret, safe=""), base64.b64encode(secret.encode()).decode()}
        for form in forms | {secret[:12]}:  # a secret cut short counts too
            assert form not in blob, f"{secret[:4]}... leaked as {form[:12]}..."


def client_of(emu: Emulator, **kw) -> Client:
    return Client(endpoint=emu.url, project_id=emu.project_id, ak=emu.ak, sk=emu.sk, **kw)


def ocr_calls(emu: Emulator) -> list:
    return [r for r in emu.request_log if r.api == "general-text" and r.status == 200]


# --- (a) not billed twice, (c) the full URL is what is sent -----------------------------------


def test_the_same_objects_signed_again_are_not_sent_again(tmp_path):
    cache = tmp_path / "cache"
    first, second = signed(1), signed(2)
    with Emulator() as emu:
        client = client_of(emu)
        a = run(client, "general-text", first, cache=cache, progress=False)
        b = run(client, "general-text", second, cache=cache, progress=False)
        both = run(client, "general-text", first + second, cache=cache, progress=False)
        calls = ocr_calls(emu)
    assert len(calls) == 3  # was 6: the re-signed URLs missed the cache
    assert len(a) == len(b) == 3 and not len(a.errors) and not len(b.errors)
    # The service got each full URL, byte for byte (signature, key ID and password included).
    assert Counter(r.url_sha256 for r in calls) == Counter(input_digest(u) for u in first)
    # Each run names its items by its own URLs' labels; the answers are the same.
    assert a.sources == [url_label(u) for u in first]
    assert b.sources == [url_label(u) for u in second]
    assert list(b.words()["text"]) == list(a.words()["text"]) and len(a.words())
    # One dataset holding each object twice: one item per object, as for a repeated path.
    assert both.sources == a.sources


def test_a_direct_call_sends_the_full_url_and_names_it_by_its_label(emulator):
    url = signed(0)[2]
    resp = client_of(emulator).general_text(url=url)
    assert emulator.request_log[-1].url_sha256 == input_digest(url)
    assert resp.source == url_label(url)
    assert "****@files.example.com" in resp.source and "X-Amz-Date=20261130T170000Z" in resp.source
    assert_hidden([resp.source, repr(resp), resp.to_json()], secrets_of([url]))


def test_the_cache_key_of_a_plain_url_did_not_change():
    # Computed before presigned URLs were recognised: caches made then stay valid.
    plain = expand_inputs(["https://example.com/scans/a.png?w=1&w=2"])[0]
    assert task_key("general-text", {"detect_direction": True}, plain) == (
        "1f3b48e8a931b0fcd9ba8207d6e621777625d5c6e31c3ca0b3e28482a2cc988c"
    )
    assert task_key("general-text", {}, expand_inputs(["https://example.com/a.png"])[0]) == (
        "079bc1cdcd0dd268362d65114d9271b4e05701eaf937874583ad0113b3e0907a"
    )
    # A presigned URL has the key of its object's plain URL; two objects keep two keys.
    keys = [task_key("general-text", {}, t) for t in expand_inputs(signed(1) + signed(2))]
    assert keys == [Cache.key("general-text", {}, f"{OBS}/batch/page{i}.jpg") for i in range(2)] + [
        Cache.key("general-text", {}, "https://files.example.com/doc.png")
    ]


# --- (b) nothing ocrframe shows or writes holds a secret ----------------------------------------


def test_nothing_written_or_shown_holds_the_signature_key_id_or_password(tmp_path, caplog):
    cache, out = tmp_path / "cache", tmp_path / "out"
    first, second = signed(1), signed(2)
    caplog.set_level(logging.DEBUG)
    with Emulator() as emu:
        client = client_of(emu)
        emu.set_faults(Faults(rate_500=1.0, count=1))  # the first item fails: an error row
        a = run(client, "general-text", first, cache=cache, workers=1, retries=0, progress=False)
        emu.set_faults(Faults(rate_503=1.0, count=1))  # the rerun retries it once: a log line
        b = run(client, "general-text", second, cache=cache, workers=1, retries=2, backoff=0,
                progress=False)  # fmt: skip
        shown = [repr(t) for t in expand_inputs(second)]
        raised = []
        for bad in (f"ftp://reader:{PW}@files.example.com/a.png?Signature={signature(1, 0)}",):
            with pytest.raises(InputError) as info:
                client.general_text(url=bad)
            raised.append(info.value)
        with pytest.raises(InputError) as info:
            LocalEngine().call("general-text", first[0])
        raised.append(info.value)
    assert len(a.errors) == 1 and len(a) == 2 and len(b) == 3 and not len(b.errors)
    texts = [caplog.text, repr(a), repr(b), *shown]
    texts += [str(e) for e in raised] + [repr(e) for e in raised]
    texts += [a.errors.to_csv(), b.errors.to_csv()]
    for batch in (a, b):
        texts += [df.to_csv() for df in batch.flatten().values()]
        texts += [repr(r) for r in batch] + [r.to_json() for r in batch]
    b[2].to_json(tmp_path / "one.json")
    queue = review_queue(b, threshold=1.0, out=out)  # every item; no image found for a URL
    assert len(queue) and set(queue["source"]) == set(b.sources)
    written = [p for p in [*cache.rglob("*"), *out.rglob("*"), tmp_path / "one.json"]
               if p.is_file()]  # fmt: skip
    assert len(written) >= 5
    for path in written:
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                texts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        else:
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    assert_hidden(texts, secrets_of(first + second))
    # What is there instead: the labels, in the clear.
    assert any(url_label(second[0]) in m for m in caplog.messages)  # the retry was logged
    assert url_label(first[0]) in a.errors["source"].tolist()
    assert all(any(url_label(u) in t for t in texts) for u in second)


def test_a_bad_url_is_refused_by_its_label():
    bad = f"ftp://reader:{PW}@files.example.com/a.png?Signature={signature(1, 0)}&v=2"
    with pytest.raises(InputError, match=r"ftp://\*\*\*\*@files.example.com/a.png\?Sign") as info:
        prepare("general-text", url=bad)
    assert_hidden([str(info.value)], secrets_of([bad]))
    upload = signed(1)[2]  # a presigned URL given where ocrframe writes (out=)
    with pytest.raises(InputError, match="is a URL") as info:
        check_output("out", upload, folder=True)
    assert_hidden([str(info.value)], secrets_of([upload]))
    p = prepare("general-text", url=signed(1)[0])
    assert p.body["url"] == signed(1)[0]  # the full URL is what is sent
    assert_hidden([repr(p), p.source], secrets_of(signed(1)))


# --- (d) the rule itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "label", "identity"),
    [
        # no query, no user info: unchanged (and so the cache key of existing caches)
        ("https://example.com/a.png", "https://example.com/a.png", "https://example.com/a.png"),
        ("https://example.com/a.png?", "https://example.com/a.png?", "https://example.com/a.png?"),
        # repeated and ordinary params keep their order; a fragment stays
        ("https://e.com/a?x=2&x=1&Signature=s&Expires=9&y=3#p=2",
         "https://e.com/a?x=2&x=1&Signature=****&Expires=9&y=3#p=2", "https://e.com/a?x=2&x=1&y=3#p=2"),
        ("https://e.com/a?Signature=s#frag", "https://e.com/a?Signature=****#frag",
         "https://e.com/a#frag"),
        # names are matched case-insensitively and after percent-decoding
        ("https://e.com/a?x%2Damz%2Dsignature=s&X-AMZ-DATE=1&k=v",
         "https://e.com/a?x%2Damz%2Dsignature=****&X-AMZ-DATE=1&k=v", "https://e.com/a?k=v"),
        # a repeated secret: every value hidden
        ("https://e.com/a?sig=1&sig=2&sv=3", "https://e.com/a?sig=****&sig=****&sv=3",
         "https://e.com/a"),
        # validity params count only beside their scheme's signature
        ("https://e.com/render?sp=2&se=3&Expires=4", "https://e.com/render?sp=2&se=3&Expires=4",
         "https://e.com/render?sp=2&se=3&Expires=4"),
        # user info: hidden, and not part of the identity
        ("https://u:pw@e.com:8443/a?n=1", "https://****@e.com:8443/a?n=1", "https://e.com:8443/a?n=1"),
        # Google V4 and CloudFront
        ("https://storage.googleapis.com/b/o.png?X-Goog-Algorithm=GOOG4-RSA-SHA256"
         "&X-Goog-Credential=sa%40p.iam&X-Goog-Date=1&X-Goog-Expires=60"
         "&X-Goog-SignedHeaders=host&X-Goog-Signature=ab",
         "https://storage.googleapis.com/b/o.png?X-Goog-Algorithm=GOOG4-RSA-SHA256"
         "&X-Goog-Credential=****&X-Goog-Date=1&X-Goog-Expires=60"
         "&X-Goog-SignedHeaders=host&X-Goog-Signature=****",
         "https://storage.googleapis.com/b/o.png"),
        ("https://d1.cloudfront.net/o.png?Policy=eyJ&Signature=s~&Key-Pair-Id=K2",
         "https://d1.cloudfront.net/o.png?Policy=eyJ&Signature=****&Key-Pair-Id=****",
         "https://d1.cloudfront.net/o.png"),
        # an '@' or '?' after the host is not user info or a query of the host
        ("https://e.com/me@x/a.png?Signature=p", "https://e.com/me@x/a.png?Signature=****",
         "https://e.com/me@x/a.png"),
        # a name without a value, an empty segment
        ("https://e.com/a?flag&&Signature=s", "https://e.com/a?flag&&Signature=****",
         "https://e.com/a?flag&"),
    ],
)  # fmt: skip
def test_url_label_and_identity(url, label, identity):
    assert url_label(url) == label
    assert url_identity(url) == identity
    assert url_identity(label) == identity  # the label holds everything the identity needs


def test_generic_credentials_are_hidden_but_stay_in_the_identity():
    """A share link may name its file by its token alone: links differing only there are
    different inputs (each sent, never one's cached answer for the other)."""
    urls = [f"https://u:{PW}@e.com/dl?token=t{i}&api_key=k&n=1" for i in (1, 2)]
    assert {url_label(u) for u in urls} == {"https://****@e.com/dl?token=****&api_key=****&n=1"}
    assert [url_identity(u) for u in urls] == [
        f"https://e.com/dl?token=t{i}&api_key=k&n=1" for i in (1, 2)
    ]
    assert len(expand_inputs(urls)) == 2


def test_different_objects_keep_different_labels_and_identities():
    urls = [
        f"{OBS}/a.png?AccessKeyId={AK}&Signature=s",
        f"{OBS}/b.png?AccessKeyId={AK}&Signature=s",
        f"{OBS}/a.png?versionId=2&AccessKeyId={AK}&Signature=s",
        f"{OBS}/a.png?AccessKeyId={AK}&Signature=s#2",
    ]
    assert len({url_label(u) for u in urls}) == len({url_identity(u) for u in urls}) == 4


def test_url_secrets_cover_every_spelling_a_server_may_echo():
    url = f"https://u:{PW}@e.com/a?Signature=a%2Bb%2F&X-Amz-Credential={AK}%2F2026&n=1"
    assert set(url_secrets(url)) >= {PW, "a%2Bb%2F", "a+b/", f"{AK}%2F2026", f"{AK}/2026"}
    assert "1" not in url_secrets(url)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: expand_inputs(x),
        lambda x: expand_inputs([x + "?Signature=" + PW]),
        lambda x: read_responses(x),
        lambda x: read_responses(x + "/*.json"),
        lambda x: check_output("out", "s3://k:" + PW + "@b/" + "x" * 300, folder=True),
        lambda x: read_responses_dask(x),
    ],
)
def test_a_url_of_another_scheme_is_named_without_its_password(call):
    """Only http(s) URLs are inputs; any other (ftp, s3...) is taken for a path, and the
    message saying no file is there must not show the password or signature it holds."""
    with pytest.raises(InputError) as info:
        call(f"ftp://me:{PW}@files.example.com/scans/a.png")
    assert PW not in str(info.value) and "****" in str(info.value)


def test_an_images_folder_and_saved_workbooks_use_the_url_objects_file_name(tmp_path):
    """A URL source's file name is its last path segment, not the query: the review queue
    finds ``scan 1.png`` downloaded into a folder, and ``save_excel`` names its workbook after
    the object (both took ``scan%201.png?AccessKeyId=****&...`` for the name)."""
    from PIL import Image

    from ocrframe import save_excel
    from ocrframe.response import Response
    from ocrframe.synth import synthesize

    url = f"{OBS}/2024/scan%201.png?AccessKeyId={AK}&Expires=1&Signature=abc"
    images = tmp_path / "images"
    images.mkdir()
    Image.new("RGB", (1200, 1200), "white").save(images / "scan 1.png")
    words = Response(synthesize("general-text", seed=1), api="general-text", source=url_label(url))
    queue = review_queue(Batch([words]), images=images, threshold=1.0, out=tmp_path / "review",
                         xlsx=False)  # fmt: skip
    assert len(queue) and queue["crop"].notna().all()
    assert (tmp_path / "review" / queue["crop"].iloc[0]).is_file()
    table = synthesize("general-table", seed=1, params={"return_excel": True})
    saved = save_excel(Response(table, api="general-table", source=url_label(url)), tmp_path)
    assert [p.name for p in saved] == ["scan_1_p1_tables.xlsx"]


def test_saved_responses_of_url_sources_are_named_after_the_object(tmp_path):
    """``ocrframe ocr --out`` names each saved response after its source's stem: a URL's
    query (here with a dot in it) made ``scan.png_versionId=2....json``."""
    from ocrframe.demo import save_responses
    from ocrframe.response import Response
    from ocrframe.synth import synthesize

    url = f"{OBS}/2024/scan.png?versionId=2.1&AccessKeyId={AK}&Expires=1&Signature=abc"
    resp = Response(synthesize("general-text", seed=1), api="general-text", source=url_label(url))
    saved = save_responses(Batch([resp]), tmp_path)
    assert [p.name for p in saved] == ["scan.json"]
