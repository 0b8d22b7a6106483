"""The ``ocrframe`` command.

Exit status: 0 success, 1 an ocrframe error (``Type: message`` on stderr; the traceback only
with ``--debug``), 2 a usage error, 130 interrupted.

>>> main(["apis"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .arguments import check_output
from .errors import InputError, MissingDependencyError, OcrError

__all__ = ["main", "build_parser"]

_EPILOG = """\
examples:
  ocrframe demo                                  OCR the bundled samples (no account needed)
  ocrframe ocr general-text scans/ --out out/    OCR your own images and PDFs locally
  ocrframe ocr id-card card.jpg --out out/ --engine cloud     (credentials from environment)
  ocrframe run general-text "scans/**/*.png" --cache cache/ --workers 8 --rate 5
  ocrframe audit cache/ --by document --review review/
  ocrframe tables cache/ --xlsx tables.xlsx
  ocrframe emulator --port 8080 --engine rapidocr
  ocrframe apis

engines: local = embedded OCR (pip install "ocrframe[local]"; general-text, web-image,
general-table and Smart Document Recognizer tables), cloud = Huawei Cloud OCR with
HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK / HUAWEICLOUD_SDK_PROJECT_ID / HUAWEICLOUD_SDK_REGION
from the environment, emulator = a local emulator (ocrframe emulator) at --endpoint.

exit status: 0 success; 1 an error, or any item that failed (listed on stderr); 2 a usage
error; 130 interrupted (finished items stay cached: run the same command again to resume).
"""


class _Parser(argparse.ArgumentParser):
    """Raises instead of exiting, so ``main`` can return the status."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: error: {message}", self.format_usage())


class _UsageError(Exception):
    def __init__(self, message: str, usage: str) -> None:
        super().__init__(message)
        self.usage = usage


def _param(text: str) -> tuple[str, Any]:
    """``k=v`` with v read as JSON when it parses (true, 3, [..]), else as a string."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        return key.strip(), json.loads(value)
    except ValueError:
        return key.strip(), value


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return n


def _rate(text: str) -> float:
    try:
        r = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected requests per second, got {text!r}") from None
    if not r > 0:
        raise argparse.ArgumentTypeError(f"the rate must be positive, got {text!r}")
    return r


def _threshold(text: str) -> float:
    try:
        t = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}") from None
    if not 0 <= t <= 1:
        raise argparse.ArgumentTypeError(f"confidences are in [0, 1], got {text!r}")
    return t


def _engine_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("engine")
    g.add_argument("--engine", choices=("local", "cloud", "emulator"), default="local",
                   help="local embedded OCR (default), Huawei Cloud, or an emulator")  # fmt: skip
    g.add_argument("--local-engine", choices=("rapidocr", "tesseract"), default="rapidocr",
                   help="embedded engine for --engine local (default rapidocr)")  # fmt: skip
    g.add_argument("--endpoint", help="base URL for --engine emulator (or a custom cloud one)")
    g.add_argument("--param", action="append", type=_param, default=[], metavar="KEY=VALUE",
                   help="request parameter, repeatable: --param character_mode=true")  # fmt: skip
    g.add_argument("--workers", type=_positive_int, default=4, help="concurrent calls (4)")
    g.add_argument("--rate", type=_rate, default=None, help="max requests per second")


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of ``ocrframe`` (subcommands demo, ocr, run, audit, tables, ...)."""
    top = _Parser(
        prog="ocrframe",
        description="Huawei Cloud OCR results as tidy pandas DataFrames: OCR images and PDFs, "
        "flatten, audit confidence, export tables.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("demo", help="OCR the bundled sample documents and audit the result",
                       description="OCR every bundled sample image with the embedded engine "
                       "(no network), compare with the ground truth and write words/chars "
                       "Parquet, audit.csv, threshold_sweep.csv, accuracy.csv, overlays/ and "
                       "review/ into --out.")  # fmt: skip
    p.add_argument("--out", default="ocrframe-output", help="output folder (ocrframe-output)")
    p.add_argument("--engine", choices=("rapidocr", "tesseract"), default="rapidocr",
                   help="embedded engine (default rapidocr)")  # fmt: skip
    p.add_argument("--threshold", type=_threshold, default=0.95,
                   help="review threshold (0.95; most lines score 0.97-1.00)")  # fmt: skip
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("ocr", help="OCR images / PDFs and write responses, Parquet, overlays",
                       description="Call API on each image (PDF pages one by one) and write "
                       "responses/*.json, one Parquet file per non-empty frame (words, chars, "
                       "...), errors.parquet and overlays/*.png into --out.",
                       epilog="example: ocrframe ocr general-text scans/ invoice.pdf --out out/ "
                       "--param character_mode=true")  # fmt: skip
    p.add_argument("api", help="API slug or name, e.g. general-text (see: ocrframe apis)")
    p.add_argument("images", nargs="+", help="image or PDF files, folders or globs")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--no-overlays", action="store_true", help="skip the overlay PNGs")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _engine_args(p)

    p = sub.add_parser("run", help="run a dataset into a resumable cache",
                       description="Call API on every input with a worker pool and a rate "
                       "limit; every response is cached, so rerunning after a crash or Ctrl-C "
                       "repeats no finished call. Failures are listed, not fatal.",
                       epilog='example: ocrframe run general-text "scans/**/*.png" --cache '
                       "cache/ --workers 8 --rate 5")  # fmt: skip
    p.add_argument("api", help="API slug or name")
    p.add_argument("inputs", nargs="+", help="files, folders, globs or URLs")
    p.add_argument("--cache", required=True, help="cache folder (created)")
    p.add_argument("--errors", help="write the failures to this CSV")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _engine_args(p)

    p = sub.add_parser("audit", help="confidence audit of saved responses",
                       description="Summarise confidence per document (or --by columns) of the "
                       "responses in DIR (a cache folder, saved JSON files or a glob); print "
                       "the threshold sweep; optionally export a review queue.",
                       epilog="example: ocrframe audit cache/ --by api --review review/ "
                       "--images scans/")  # fmt: skip
    p.add_argument("dir", help="cache folder, folder of saved responses, or a glob")
    p.add_argument("--threshold", type=_threshold, default=0.9, help="review threshold (0.9)")
    p.add_argument("--by", nargs="+", help="group columns: document, field, api, page, ...")
    p.add_argument("--frame", help="frame to audit: words, chars, fields, cells (auto)")
    p.add_argument("--out", help="also write the audit to this CSV")
    p.add_argument("--review", metavar="OUT", help="write the review queue to this folder")
    p.add_argument("--images", help="folder of the source images (default: source paths)")

    p = sub.add_parser("tables", help="tables of saved responses to one .xlsx",
                       description="Write every table / form in the responses in DIR to one "
                       "workbook (one sheet per table), low-confidence cells highlighted.",
                       epilog="example: ocrframe tables cache/ --xlsx tables.xlsx")  # fmt: skip
    p.add_argument("dir", help="cache folder, folder of saved responses, or a glob")
    p.add_argument("--xlsx", required=True, help="the .xlsx file to write")
    p.add_argument("--threshold", type=_threshold, default=0.8, help="highlight below (0.8)")

    sub.add_parser("emulator", help="serve a local OCR emulator on 127.0.0.1", add_help=False,
                   description="See: ocrframe emulator --help")  # fmt: skip
    p = sub.add_parser("apis", help="list the OCR operations ocrframe knows",
                       description="List the OCR operations ocrframe can call: slug (what "
                       "ocr, run and Client.call take), name and the frames their responses "
                       "feed. * marks the 16 APIs of the OCR API Reference.",
                       epilog="example: ocrframe apis --documented")  # fmt: skip
    p.add_argument("--documented", action="store_true", help="only the 16 documented APIs")
    return top


# ---------------------------------------------------------------- commands


def _backend(args: argparse.Namespace) -> Any:
    if args.engine == "local":
        from .local import LocalEngine

        _check_local(args.local_engine)
        return LocalEngine(args.local_engine)
    from .cloud.client import Client

    if args.engine == "cloud":
        return Client.from_env(**({"endpoint": args.endpoint} if args.endpoint else {}))
    if not args.endpoint:
        raise InputError("--engine emulator needs --endpoint URL (see: ocrframe emulator)")
    from .emulator import Emulator

    return Client(endpoint=args.endpoint, ak=Emulator.ak, sk=Emulator.sk,
                  project_id=Emulator.project_id)  # fmt: skip


def _check_local(engine: str) -> None:
    """Fail before any work when the embedded engine is not installed."""
    import importlib.util

    modules = ("rapidocr", "onnxruntime") if engine == "rapidocr" else ("tesserocr",)
    for mod in modules:
        try:
            found = importlib.util.find_spec(mod) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise MissingDependencyError(
                f"the local OCR engine {engine!r} needs {mod!r}, which is not installed. "
                'Install it with: pip install "ocrframe[local]"'
            )


def _check_request(args: argparse.Namespace) -> Any:
    """Check the API, every ``--param`` and every input once, before any call or file is
    written, and return the backend. Errors list the valid names."""
    from .catalog import get_api
    from .inputs.images import check_params

    spec = get_api(args.api)
    params = dict(args.param)
    if "page" in params:
        raise InputError("--param page is not needed: every page of a PDF is read, one by one")
    if args.engine == "local":
        from .local.engine import LOCAL_OPTIONS, SUPPORTED_APIS

        if spec.slug not in SUPPORTED_APIS:
            raise InputError(
                f"the local engine answers {', '.join(SUPPORTED_APIS)} only, not {spec.slug!r}; "
                f"for {spec.slug} use --engine cloud (credentials from the environment) or "
                "--engine emulator --endpoint URL"
            )
        params = {k: v for k, v in params.items() if k not in LOCAL_OPTIONS}
    check_params(spec, params)
    backend = _backend(args)
    _check_inputs(args.images if args.command == "ocr" else args.inputs)
    return backend


def _check_inputs(items: Sequence[str]) -> None:
    """Expand every input once up front; an input that cannot be read (a broken PDF inside a
    folder, say) is named in the error."""
    from .datasets.runner import expand_inputs

    for item in items:
        try:
            expand_inputs([item])
        except InputError as exc:
            if item in str(exc):
                raise
            raise InputError(f"{_failing_file(item, expand_inputs) or item}: {exc}") from exc


def _failing_file(item: str, expand: Any) -> str | None:
    """The file under a folder or glob ``item`` that ``expand`` rejects, if one does."""
    import glob

    path = Path(item)  # os.path.isdir: Path.is_dir raises for a name too long (Python < 3.13)
    files = path.rglob("*") if os.path.isdir(item) else map(Path, glob.glob(item, recursive=True))
    for file in sorted(f for f in files if f.is_file()):
        try:
            expand([str(file)])
        except InputError:
            return str(file)
    return None


def _run(args: argparse.Namespace, backend: Any, cache: Path) -> Any:
    from .datasets.runner import run

    return run(backend, args.api, args.images if args.command == "ocr" else args.inputs,
               workers=args.workers, rate=args.rate, cache=cache, progress=not args.quiet,
               **dict(args.param))  # fmt: skip


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    _check_local(args.engine)
    run_demo(args.out, engine=args.engine, threshold=args.threshold, progress=not args.quiet,
             stream=sys.stdout)  # fmt: skip
    return 0


def _cmd_ocr(args: argparse.Namespace) -> int:
    from .demo import save_responses, write_overlays

    out = check_output("--out", args.out, folder=True)  # a URL here reached pandas' URL opener
    backend = _check_request(args)
    batch = _run(args, backend, out / "cache")
    save_responses(batch, out / "responses")
    written = batch.to_parquet(out)
    if not args.no_overlays:
        words = batch.words()
        if len(words):
            write_overlays(words, out / "overlays")
    print(f"{len(batch)} response(s), {len(batch.errors)} failure(s) -> {out}/: "
          + ", ".join(p.name for p in written) + ", responses/"
          + ("" if args.no_overlays else ", overlays/"))  # fmt: skip
    _print_errors(batch.errors)
    return 0 if not len(batch.errors) else 1  # like `run`: any failure is a non-zero exit


def _check_output_file(flag: str, value: str | None) -> None:
    """A file a command writes at its end, checked before any work is done (or billed)."""
    if value is not None:
        check_output(flag, value, folder=False)


def _cmd_run(args: argparse.Namespace) -> int:
    _check_output_file("--errors", args.errors)
    backend = _check_request(args)
    batch = _run(args, backend, Path(args.cache))
    print(f"{len(batch)} response(s) in {args.cache}, {len(batch.errors)} failure(s)")
    _print_errors(batch.errors)
    if args.errors:
        from .tables.safe_output import write_csv

        write_csv(batch.errors, args.errors)
    return 0 if not len(batch.errors) else 1


def _print_errors(errors: Any) -> None:
    if len(errors):
        cols = [c for c in ("source", "page", "error_code", "message", "attempts") if c in errors]
        print(errors[cols].head(20).to_string(index=False), file=sys.stderr)


def _cmd_audit(args: argparse.Namespace) -> int:
    import pandas as pd

    from .datasets.audit import audit, threshold_sweep
    from .datasets.batch import read_responses
    from .tables.safe_output import write_csv

    _check_output_file("--out", args.out)
    batch = read_responses(args.dir)
    if len(batch) == 0:
        raise InputError(f"no saved response in {args.dir!r}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        table = audit(batch, threshold=args.threshold, by=args.by, frame=args.frame)
    for w in caught:
        print(f"note: {w.message}", file=sys.stderr)
    sweep = threshold_sweep(batch, frame=args.frame)
    display = table
    root = _common_root(table["source"]) if "source" in table.columns else None
    if root:  # the --out CSV keeps the full paths
        print(f"sources relative to {root}{os.sep}")
        display = table.assign(source=table["source"].map(lambda s: _relative(s, root)))
    shown = {"display.width": 160, "display.max_columns": 20, "display.max_rows": 60,
             "display.float_format": "{:.3f}".format}  # fmt: skip
    with pd.option_context(*[v for kv in shown.items() for v in kv]):
        print(display.to_string(index=False))
        print()
        print(sweep.to_string(index=False))
    if args.out:
        write_csv(table, args.out)
    if args.review:
        from .datasets.review import review_queue

        q = review_queue(batch, images=args.images, threshold=args.threshold, out=args.review,
                         frame=args.frame)  # fmt: skip
        print(f"\n{len(q)} item(s) below {args.threshold} -> {args.review}/review.xlsx, "
              f"{int(q['crop'].notna().sum())} crop(s)")  # fmt: skip
    if len(batch.errors):
        print(f"{len(batch.errors)} response file(s) could not be read:", file=sys.stderr)
        _print_errors(batch.errors)
    return 0 if not len(batch.errors) else 1  # as the help says: a failed item is exit 1


def _common_root(sources: Any) -> str | None:
    """The deepest folder shared by every source path (None for one source, URLs, or none).

    >>> _common_root(["/a/site-packages/x/1.png", "/a/site-packages/x/sub/2.png"])
    '/a/site-packages/x'
    """
    paths = [str(s) for s in sources if isinstance(s, str) and "://" not in s]
    if len(paths) < 2 or len(paths) != len(sources):
        return None
    try:
        root = os.path.commonpath([os.path.dirname(p) for p in paths])
    except ValueError:  # relative and absolute mixed, or different drives
        return None
    return root if root not in ("", os.sep) else None


def _relative(source: Any, root: str) -> Any:
    return os.path.relpath(source, root) if isinstance(source, str) else source


def _cmd_tables(args: argparse.Namespace) -> int:
    from .datasets.batch import read_responses
    from .tables.workbook import to_excel

    batch = read_responses(args.dir)
    path = to_excel(batch.cells(), args.xlsx, threshold=args.threshold)
    print(f"tables written to {path}")
    return 0


def _cmd_apis(args: argparse.Namespace) -> int:
    from .catalog import APIS

    specs = [s for s in APIS.values() if s.documented or not args.documented]
    print(f"{'slug':<34}{'name':<40}{'frames'}")
    for s in specs:
        mark = "*" if s.documented else " "
        print(f"{s.slug:<33}{mark}{s.name[:39]:<40}{', '.join(s.families)}")
    print(f"\n{len(specs)} operations; * = documented in the OCR API Reference")
    return 0


_COMMANDS = {
    "demo": _cmd_demo, "ocr": _cmd_ocr, "run": _cmd_run, "audit": _cmd_audit,
    "tables": _cmd_tables, "apis": _cmd_apis,
}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ocrframe`` command; return the exit status.

    >>> main(["apis", "--documented"])  # doctest: +SKIP
    0
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    if argv and argv[0] == "emulator" or argv[:2] == ["--debug", "emulator"]:
        from .emulator import main as emulator_main

        rest = argv[argv.index("emulator") + 1 :]
        return _guard(lambda: emulator_main(rest), debug)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        sys.stderr.write(exc.usage + str(exc) + "\n")
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    return _guard(lambda: _COMMANDS[args.command](args), args.debug)


def _guard(fn: Any, debug: bool) -> int:
    try:
        return int(fn())
    except KeyboardInterrupt:
        sys.stderr.write("interrupted; finished items are cached, rerun to resume\n")
        return 130
    except (OcrError, OSError) as exc:
        if debug:
            traceback.print_exc()
        name = "MissingDependencyError" if isinstance(exc, MissingDependencyError) else (
            type(exc).__name__)  # fmt: skip
        sys.stderr.write(f"{name}: {exc}\n")
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
