"""Workbook bombs: what openpyxl alone spends on them vs ocrframe's scan refusing them.

Each case is a real .xlsx (built by tests/xlsx_craft.py). Each method runs in its own process
(methods interleaved, case by case) with a CPU-time limit and an address-space limit, and the
process's peak RSS is read from the kernel. ``openpyxl`` is the baseline: ``load_workbook`` as
ocrframe called it before the scan. ``ocrframe`` is ``excel_tables`` on a response carrying the
workbook (decode, scan, and for a legitimate workbook, openpyxl and the frame); ``scan`` is the
scan alone. Imports happen before the clock starts.

Run: ``python benchmarks/workbook_bombs.py [--cpu 20] [--mem-gb 3]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from xlsx_craft import sheet_xml, with_comments, xlsx  # noqa: E402

CHILD = """
import base64, io, json, resource, sys, time
import openpyxl, ocrframe
from ocrframe.tables.workbook_scan import scan_workbook
cpu, mem, method, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
data = open(path, "rb").read()
body = {"result": {"words_region_list": [], "excel": base64.b64encode(data).decode()}}
start = time.perf_counter()
try:
    if method == "openpyxl":
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
        outcome = f"opened, {sum(len(ws._cells) for ws in wb.worksheets):,} cells built"
    elif method == "scan":
        outcome = f"{scan_workbook(data).positions:,} positions"
    else:
        outcome = f"{len(ocrframe.excel_tables(body))} frame(s)"
except MemoryError:
    outcome = "MemoryError"
except Exception as exc:
    outcome = f"{type(exc).__name__}: {str(exc)[:60]}"
print(json.dumps([time.perf_counter() - start, outcome]))
"""


def cases() -> dict[str, bytes]:
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in "ABCDEFGHIJ") + "</row>"
        for r in range(1, 10_001)
    )
    merges = "".join(f'<mergeCell ref="A{2 * i + 1}:AX{2 * i + 2}"/>' for i in range(20_000))
    return {
        "legit 10,000 x 10 cells": xlsx(sheet_xml(rows)),
        "one merge A1:XFD1048576": xlsx(
            sheet_xml('</sheetData><mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>')
        ),
        "20,000 merges of 100 cells": xlsx(
            sheet_xml(f"</sheetData><mergeCells>{merges}</mergeCells>")
        ),
        "hyperlink A1:Z100000": xlsx(
            sheet_xml('</sheetData><hyperlinks><hyperlink ref="A1:Z100000"/></hyperlinks>')
        ),
        "comment A1:XFD1048576": with_comments(
            sheet_xml(""),
            '<comment ref="A1:XFD1048576" authorId="0"><text><t>x</t></text></comment>',
        ),
        "cell at XFD1048576": xlsx(
            sheet_xml('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
        ),
    }


def run(method: str, path: Path, cpu: int, mem: int) -> tuple[float, float, str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(cpu), str(mem), method, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    peak_mb = usage.ru_maxrss / 1024
    if out:
        seconds, outcome = json.loads(out)
        return seconds, peak_mb, outcome
    cpu_used = usage.ru_utime + usage.ru_stime
    return cpu_used, peak_mb, f"killed at the CPU or memory limit (signal {status & 0x7F})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cpu", type=int, default=20, help="CPU seconds allowed per run (20)")
    ap.add_argument("--mem-gb", type=float, default=3.0, help="address space per run (3 GB)")
    args = ap.parse_args()
    mem = int(args.mem_gb * 2**30)
    print(f"{'case':<28}{'zip':>8}  {'method':<9}{'seconds':>9}{'peak MB':>9}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in cases().items():
            path = Path(tmp) / "case.xlsx"
            path.write_bytes(data)
            results = {m: run(m, path, args.cpu, mem) for m in ("openpyxl", "ocrframe", "scan")}
            for m, (sec, peak, outcome) in results.items():
                label = name if m == "openpyxl" else ""
                size = f"{len(data) / 1024:.0f} KB" if m == "openpyxl" else ""
                print(f"{label:<28}{size:>8}  {m:<9}{sec:>9.2f}{peak:>9.0f}  {outcome}")
            base, ours, scan = (results[m][0] for m in ("openpyxl", "ocrframe", "scan"))
            print(f"{'':<38}vs openpyxl: ocrframe {ours / base:.3f}x, scan {scan / base:.3f}x")


if __name__ == "__main__":
    main()
