"""hOCR is read by expat when HTML would read the text alike (Tesseract's own XHTML), else by
Python's HTML parser: both routes must give the same frames, on real files and on drawn
documents full of what XML and HTML read differently."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ocrframe.vendors import tesseract

VENDORS = Path(__file__).resolve().parents[2] / "shared" / "data" / "vendors"


def _frames(text: str, other: bool, html_only: bool, monkeypatch: pytest.MonkeyPatch) -> tuple:
    with monkeypatch.context() as m:
        if html_only:
            m.setattr(tesseract, "_xml_tree", lambda _text: None)
        ex = tesseract.read({"hocr": text}, other=other)
    return ex.cols, ex.document


def _same_both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for other in (True, False):
        assert _frames(text, other, False, monkeypatch) == _frames(text, other, True, monkeypatch)


@pytest.mark.parametrize("path", sorted(VENDORS.glob("tesseract/*.hocr")), ids=lambda p: p.name)
def test_real_tesseract_hocr_takes_expat_and_reads_as_html_does(path, monkeypatch):
    text = path.read_text("utf-8")
    assert tesseract._xml_tree(text) is not None  # the fast route is the one taken
    _same_both_ways(text, monkeypatch)


XHTML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 '
    'Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
)
PAGE = (
    "<html xmlns='http://www.w3.org/1999/xhtml'><head><title></title>"
    "<meta name='ocr-system' content='tesseract' /></head><body>"
    "<div class='ocr_page' id='page_1' title='image \"x.png\"; bbox 0 0 100 50'>{}</div>"
    "</body></html>"
)


def _line(word_text: str, word_attrs: str = "") -> str:
    return (
        "<span class='ocr_line' id='line_1' title='bbox 1 2 60 12; x_size 9'>"
        f"<span class='ocrx_word' id='word_1' title='bbox 1 2 20 12; x_wconf 91'{word_attrs}>"
        f"{word_text}</span> </span>"
    )


@pytest.mark.parametrize(
    "text",
    [
        XHTML + PAGE.format(_line("caf&nbsp;e")),  # an entity XHTML's DTD declares, unread
        PAGE.format(_line("caf&nbsp;e")),  # the same without a DTD: no XML
        XHTML.replace("\n", "\r\n") + PAGE.format(_line("a\r\nb")),  # XML reads CR LF as LF
        PAGE.format(_line("<![CDATA[x<y]]>")),  # HTML drops a CDATA section
        PAGE.format(_line("<?pi a>b?>")),  # HTML ends a processing instruction at ">"
        "<!DOCTYPE html [<!ENTITY w 'word'>]>" + PAGE.format(_line("&w;")),  # HTML: "&w;"
        PAGE.format(_line("x", " lang='c\ne'")),  # XML reads a newline in a value as a space
        PAGE.format(_line("x", " lang='c\te'")),
        PAGE.format(_line("&#128;&#x9f;")),  # HTML reads these as Windows-1252 ("€", "Ÿ")
        PAGE.format(_line("&#0;")),
        PAGE.format(_line("it&#39;s &amp; &#x1F600;")),  # read alike: the fast route
        PAGE.format(_line("a<style>b</style>c")),  # HTML reads style's content as text
        PAGE.format(_line("a<script><span class='ocrx_cinfo'>q</span></script>")),
        PAGE.format(_line("<SPAN CLASS='ocrx_cinfo' TITLE='x_bboxes 1 2 3 4'>Q</SPAN>")),
        PAGE.format(_line("<br/><em>emph</em><br></br>")),
        PAGE.format(_line("x", " Lang='a' lang='b'")),  # one attribute to HTML: the last
        PAGE.format(_line("<html:span class='ocrx_cinfo'>n</html:span>")),
        PAGE.format(_line("x<br>y")),  # no XML: HTML's void element
        PAGE.format("<span class='ocr_line' title='bbox 1 2 3 4'><span class='ocrx_word'/></span>"),
        "\ufeff" + XHTML + PAGE.format(_line("bom")),
        PAGE.format(_line("ok")) + "<?late pi?>",
        PAGE.format(_line("x\ud800")),  # a lone surrogate: no UTF-8
    ],
)
def test_what_xml_and_html_read_differently_reads_as_html_does(text, monkeypatch):
    _same_both_ways(text, monkeypatch)


def test_tesseracts_xhtml_and_its_escapes_take_the_fast_route():
    text = XHTML + PAGE.format(_line("it&#39;s &amp; &lt;&quot;&#x1F600;"))
    assert tesseract._xml_tree(text) is not None
    for refused in ("caf&nbsp;e", "&#128;", "a\r\nb", "<![CDATA[x]]>"):
        assert tesseract._xml_tree(XHTML + PAGE.format(_line(refused))) is None


def test_entities_of_a_documents_own_dtd_are_never_expanded(monkeypatch):
    # a billion laughs: expat would expand it; the route refuses at the doctype, HTML leaves
    # the references as text
    laughs = "<!DOCTYPE html [<!ENTITY a 'ha'>" + "".join(
        f"<!ENTITY {chr(98 + i)} '{('&' + chr(97 + i) + ';') * 10}'>" for i in range(9)
    )
    text = laughs + "]>" + PAGE.format(_line("&j;"))
    assert tesseract._xml_tree(text) is None
    assert tesseract.read({"hocr": text}).cols["tokens"]["text"] == ["&j;"]


def test_an_element_of_two_hocr_classes_is_the_first_written_whatever_the_hash_seed():
    # the class used to be picked from a set: which one depended on PYTHONHASHSEED
    code = (
        "from ocrframe.vendors import tesseract as t\n"
        "both = \"<span class='ocrx_cinfo ocrx_word' title='bbox 1 2 3 4; x_wconf 90'>w</span>\"\n"
        "hocr = \"<div class='ocr_page'><span class='ocr_line'>\" + both + '</span></div>'\n"
        "print(sorted(f for f, c in t.read({'hocr': hocr}).cols.items() if c['page']))\n"
    )
    seen = set()
    for seed in range(8):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True)  # fmt: skip
        seen.add(out.stdout.strip())
    assert seen == {"['words']"}  # a character (of a line without words), never a word


_TEXT = st.sampled_from(
    ["w", "é", " ", "\n", "\t", "&amp;", "&#39;", "&#128;", "&nbsp;", "\r\n", "<![CDATA[c]]>",
     "<?p a>b?>", "<br>", "<br/>", "<em>e</em>", "<style>s</style>", "&lt;", "]]>", "&#x0;"]
)  # fmt: skip
_PROPS = st.lists(
    st.sampled_from(["bbox 1 2 30 40", "bbox 1 2 x 4", "bbox 0 0 1e999 1", "x_wconf 90",
                     "x_wconf -1", "x_conf 97.5", "x_bboxes 1 2 3 4", "baseline 0 0",
                     "x_confs 0.9 0.8"]),
    max_size=3,
)  # fmt: skip
_CLASSES = st.sampled_from(
    ["ocr_carea", "ocr_par", "ocr_line", "ocrx_word", "ocrx_cinfo", "ocr_photo", "plain",
     "ocr_line ocrx_word", ""]
)  # fmt: skip


@st.composite
def _element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(["span", "div", "p", "SPAN", "html:span"]))
    title = draw(st.sampled_from(["; ", ", "])).join(draw(_PROPS))
    attrs = f" class='{draw(_CLASSES)}' title='{title}'"
    attrs += draw(st.sampled_from(["", " id='i1'", " lang='en'", " dir='l\ntr'", " LANG='x'"]))
    kids = [draw(_TEXT) if draw(st.booleans()) or depth > 3 else draw(_element(depth + 1))
            for _ in range(draw(st.integers(0, 3)))]  # fmt: skip
    return f"<{tag}{attrs}>{''.join(kids)}</{tag}>"


@settings(max_examples=300, deadline=None)
@given(head=st.sampled_from(["", XHTML, "<!DOCTYPE html [<!ENTITY x 'y'>]>"]),
       body=st.lists(_element(), max_size=3))  # fmt: skip
@example(head=XHTML, body=["<span class='ocr_line' title='bbox 1 2 3 4'>a&amp;b</span>"])
def test_drawn_hocr_reads_the_same_both_ways(head, body):
    text = head + PAGE.format("".join(body))
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same_both_ways(text, monkeypatch)
