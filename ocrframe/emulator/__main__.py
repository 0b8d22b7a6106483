"""``python -m ocrframe.emulator --port 8080``."""

from .cli import main

raise SystemExit(main(prog="python -m ocrframe.emulator"))
