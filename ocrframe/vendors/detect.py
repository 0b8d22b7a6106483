"""Which engine produced a saved result, and which of its operations, from the shape alone.

>>> detect_vendor({"Blocks": [{"BlockType": "LINE"}]})
'textract'
>>> detect_vendor({"textAnnotations": []})
'gvision'
>>> detect_vendor({"result": {"words_block_list": []}})
'huawei'
"""

from __future__ import annotations

from typing import Any

from ..errors import ResponseFormatError

__all__ = [
    "VENDORS",
    "detect_vendor",
    "vendor_api",
    "unfinished_job",
    "TESSERACT_COLUMNS",
    "SERVING_KEYS",
]

# Engine name -> the formats it is recognised in (for messages and the README).
VENDORS: dict[str, str] = {
    "huawei": "Huawei Cloud OCR ({'result': ...} or an error body)",
    "textract": "Amazon Textract (Blocks of DetectDocumentText / AnalyzeDocument / Get* pages, "
    "ExpenseDocuments of AnalyzeExpense, IdentityDocuments of AnalyzeID, Results of "
    "GetLendingAnalysis)",
    "azure": "Azure Document Intelligence / Form Recognizer (v2 readResults/pageResults/"
    "documentResults; v3/v4 analyzeResult, REST camelCase or Python SDK snake_case) and Azure "
    "AI Vision (Read 3.x readResults, Image Analysis 4.0 readResult, legacy OCR regions)",
    "docai": "Google Document AI Document (pages/entities, documentLayout, chunkedDocument; "
    "camelCase or snake_case)",
    "gvision": "Google Cloud Vision annotate response (textAnnotations, fullTextAnnotation, "
    "or a 'responses' list of them)",
    "paddleocr": "PaddleOCR result JSON (3.x rec_texts/rec_scores/rec_polys, one page or a "
    "list of pages; PP-StructureV3 results and PP-Structure 2.x region lists or res_<n>.txt; "
    "2.x [[polygon, [text, score]], ...] per page, system_results.txt or hub serving results; "
    "3.x serving responses: result.ocrResults / result.layoutParsingResults)",
    "tesseract": "Tesseract hOCR (HTML text), image_to_data TSV / pytesseract Output.DICT, or "
    "ALTO XML (v2, v3, v4 or no namespace; as ABBYY, Transkribus, eScriptorium, kraken and "
    "OCR-D write it too)",
}

# The lists under ``result`` that make a PaddleOCR 3.x serving response (not Huawei's result).
SERVING_KEYS = ("ocrResults", "layoutParsingResults")

TESSERACT_COLUMNS = (
    "level",
    "page_num",
    "block_num",
    "par_num",
    "line_num",
    "word_num",
    "left",
    "top",
    "width",
    "height",
    "conf",
    "text",
)


def _has(raw: dict[str, Any], *names: str) -> bool:
    from .base import get

    return any(get(raw, n)[0] is not None for n in names)


def _is_paddle2(x: Any) -> bool:
    """``[[[x, y] x4], [text, score]]`` lines, or pages (lists, None for blank ones) of them."""

    from .paddle import is_line as line

    if not isinstance(x, list) or not x:
        return False
    if line(x[0]):
        return True
    pages = [p for p in x if p is not None]
    return (
        bool(pages)
        and all(isinstance(p, list) for p in pages)
        and any(p and line(p[0]) for p in pages)
    )


def _is_docai(raw: dict[str, Any]) -> bool:
    if _has(raw, "documentLayout", "chunkedDocument"):
        return True
    _, pages = _get(raw, "pages")
    if isinstance(pages, list) and pages and isinstance(pages[0], dict):
        if _has(pages[0], "dimension", "layout", "tokens", "formFields", "visualElements"):
            return True
    # Azure (detected before) says "content"; a Document says "text", "uri", "mimeType"...
    return _has(raw, "pages", "entities") and _has(
        raw, "text", "uri", "mimeType", "entities", "shardInfo"
    )


def _get(raw: Any, name: str) -> tuple[str | None, Any]:
    from .base import get

    return get(raw, name)


_TEXTRACT_DONE = {"SUCCEEDED", "PARTIAL_SUCCESS"}
_AZURE_UNFINISHED = {"notStarted", "running", "failed", "canceled"}


def unfinished_job(raw: Any) -> str | None:
    """What an asynchronous job's status body says, when ``raw`` is one and holds no result
    (Textract ``Get*`` with ``JobStatus`` IN_PROGRESS / FAILED, Azure ``status`` running /
    failed); None otherwise.

    >>> unfinished_job({"JobStatus": "IN_PROGRESS"})[:45]
    'an Amazon Textract job status (IN_PROGRESS), '
    """
    if not isinstance(raw, dict):
        return None
    status = raw.get("JobStatus")
    if isinstance(status, str) and status not in _TEXTRACT_DONE:
        if not _has(raw, "Blocks", "ExpenseDocuments", "IdentityDocuments", "Results"):
            note = raw.get("StatusMessage")
            said = f"{status}: {note}" if isinstance(note, str) and note else status
            todo = (
                "the job failed: fix the input and start a new job"
                if status == "FAILED"
                else "call the Get* operation again until JobStatus is SUCCEEDED"
            )
            return f"an Amazon Textract job status ({said}), not a result: {todo}"
    status = raw.get("status")
    if (
        isinstance(status, str)
        and status in _AZURE_UNFINISHED
        and _has(raw, "createdDateTime", "error")
        and not _has(raw, "analyzeResult")
    ):
        _, error = _get(raw, "error")
        said = status
        if isinstance(error, dict):
            said += ": " + " ".join(str(v) for k, v in error.items() if k in ("code", "message"))
        todo = (
            "the operation ended without one: fix the input and analyze again"
            if status in ("failed", "canceled")
            else "poll the Operation-Location URL again until status is succeeded"
        )
        return f"an Azure operation status ({said}), not a result: {todo}"
    return None


def detect_vendor(raw: Any) -> str | None:
    """The engine of a parsed result (a key of ``VENDORS``), or None when unknown. A job
    status without a result (:func:`unfinished_job`), or a PaddleOCR module's result that holds
    no text (text detection, orientation classification), is a ResponseFormatError saying so."""
    if not isinstance(raw, dict):
        return None
    from .paddle import is_hub_serving, serving_error, serving_results, without_text

    if serving_results(raw) is not None or is_hub_serving(raw):  # not Huawei's "result"
        return "paddleocr"
    unfinished = serving_error(raw)
    if unfinished is not None:
        raise ResponseFormatError(unfinished)
    if "result" in raw or "error_code" in raw:
        return "huawei"
    unfinished = unfinished_job(raw) or without_text(raw)
    if unfinished is not None:
        raise ResponseFormatError(unfinished)
    if _has(raw, "Blocks", "ExpenseDocuments", "IdentityDocuments") or "DocumentMetadata" in raw:
        return "textract"
    _, read_result = _get(raw, "readResult")  # Azure AI Vision Image Analysis 4.0
    if isinstance(read_result, dict) or (
        isinstance(raw.get("regions"), list) and _has(raw, "textAngle", "orientation", "language")
    ):
        return "azure"
    if _has(raw, "analyzeResult", "readResults") or (
        _has(raw, "pages", "documents") and _has(raw, "modelId", "apiVersion")
    ):
        return "azure"
    if _has(raw, "textAnnotations", "fullTextAnnotation"):
        return "gvision"
    if isinstance(raw.get("hocr"), str) or isinstance(raw.get("alto"), str):
        return "tesseract"
    if all(isinstance(raw.get(c), list) for c in TESSERACT_COLUMNS):
        return "tesseract"
    if "rec_texts" in raw or (isinstance(raw.get("res"), dict) and "rec_texts" in raw["res"]):
        return "paddleocr"
    from .paddle import is_region, is_structure

    if is_structure(raw) or is_region(raw):
        return "paddleocr"
    _, document = _get(raw, "document")
    if isinstance(document, dict) and _is_docai(document):
        return "docai"
    if _is_docai(raw):
        return "docai"
    responses = raw.get("responses")
    if isinstance(responses, list) and responses:
        from .paddle import is_labelled, is_labelled_page

        first_page = responses[0]
        if _is_paddle2(responses) or is_region(first_page):
            return "paddleocr"
        some_page = next((p for p in responses if p), None)
        if is_labelled(first_page) or is_labelled_page(some_page):
            return "paddleocr"
        first = next((r for r in responses if isinstance(r, dict) and r), None)
        inner = detect_vendor(first) if first is not None else None
        if inner in ("textract", "gvision", "paddleocr"):
            return inner
        if first is not None and isinstance(first.get("responses"), list):
            return detect_vendor(first)  # Vision files:annotate: responses of responses
    return None


def vendor_api(raw: dict[str, Any], vendor: str) -> str | None:
    """The engine's operation (``AnalyzeDocument``, ``prebuilt-layout``...) when the shape
    tells it."""
    if vendor == "textract":
        if _has(raw, "ExpenseDocuments"):
            return "AnalyzeExpense"
        if _has(raw, "IdentityDocuments"):
            return "AnalyzeID"
        if "AnalyzeLendingModelVersion" in raw:
            return "AnalyzeLending"
        if "AnalyzeDocumentModelVersion" in raw:
            return "AnalyzeDocument"
        if "DetectDocumentTextModelVersion" in raw:
            return "DetectDocumentText"
        return None
    if vendor == "azure":
        if isinstance(raw.get("regions"), list):
            return "vision-ocr"
        if isinstance(_get(raw, "readResult")[1], dict):
            return "image-analysis-read"
        _, result = _get(raw, "analyzeResult")
        result = result if isinstance(result, dict) else raw
        _, model = _get(result, "modelId")
        if isinstance(model, str):
            return model
        _, docs = _get(result, "documentResults")
        if isinstance(docs, list) and docs and isinstance(docs[0], dict):
            return docs[0].get("docType")
        return "read" if _has(result, "readResults") else None
    if vendor == "gvision":
        first: Any = raw
        while isinstance(first, dict) and isinstance(first.get("responses"), list):
            first = first["responses"][0] if first["responses"] else None  # files:annotate
        full = isinstance(first, dict) and _has(first, "fullTextAnnotation")
        return "document-text-detection" if full else "text-detection"
    if vendor == "docai":
        return "layout-parser" if _has(raw, "documentLayout") else "document"
    if vendor == "tesseract":
        if isinstance(raw.get("alto"), str):
            return "alto"
        return "hocr" if "hocr" in raw else "image-to-data"
    if vendor == "paddleocr":
        from .paddle import is_region, is_structure, serving_results

        served = serving_results(raw)
        if served is not None:
            return "structure" if served[0] == "layoutParsingResults" else "ocr"
        pages = raw.get("responses")
        first = pages[0] if isinstance(pages, list) and pages else raw
        return "structure" if is_structure(first) or is_region(first) else "ocr"
    return None
