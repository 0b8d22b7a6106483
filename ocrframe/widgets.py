"""The interactive Viewer for notebooks (public entry point; lives in ``ocrframe.plots``).

>>> from ocrframe.widgets import Viewer  # doctest: +SKIP
"""

from .plots.widgets import Viewer

__all__ = ["Viewer"]
