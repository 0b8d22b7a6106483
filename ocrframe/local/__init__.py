"""Embedded OCR engines that answer in the cloud API's response shape.

>>> from ocrframe.local import LocalEngine
>>> LocalEngine("tesseract")
LocalEngine(engine='tesseract')
"""

from .engine import ENGINES, SUPPORTED_APIS, LocalEngine, answers

__all__ = ["LocalEngine", "ENGINES", "SUPPORTED_APIS", "answers"]
