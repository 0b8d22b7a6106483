"""A local Huawei Cloud OCR emulator on 127.0.0.1 (moto-style): real HTTP, real auth checks.

Layout: ``server`` (HTTP handling and routing), ``backend`` (credentials, tokens, checks,
results, request log), ``faults`` (injected failures), ``errors`` (wire error bodies),
``core`` (:class:`Emulator`), ``cli`` (``python -m ocrframe.emulator``).

>>> from ocrframe.emulator import Emulator, Faults
>>> with Emulator(faults=Faults(rate_429=1.0, count=1)) as emu:
...     emu.url.startswith("http://127.0.0.1:")
True
"""

from .backend import LogRecord
from .cli import main
from .core import Emulator
from .faults import Faults
from .server import CONTROL_HEADERS

__all__ = ["Emulator", "Faults", "LogRecord", "main", "CONTROL_HEADERS"]
