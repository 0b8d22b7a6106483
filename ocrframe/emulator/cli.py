"""``python -m ocrframe.emulator`` / ``ocrframe emulator``: run the emulator in the foreground."""

from __future__ import annotations

import argparse
import sys

from ..errors import OcrError
from .core import Emulator
from .faults import Faults

__all__ = ["main", "build_parser", "connection_help"]


def build_parser(prog: str = "ocrframe emulator") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog, description="Serve a local Huawei Cloud OCR emulator on 127.0.0.1."
    )
    p.add_argument("--host", default="127.0.0.1", help="loopback address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 = any free)")
    p.add_argument("--latency", type=float, default=0.0, help="seconds added to each answer")
    p.add_argument("--token-ttl", type=float, default=24 * 3600.0, help="token lifetime, s")
    p.add_argument(
        "--engine",
        choices=("none", "rapidocr", "tesseract"),
        default="none",
        help="answer general-text, web-image, general-table and smart-document-recognizer "
        "(ocr_result, table_result) with a local OCR engine",
    )
    p.add_argument(
        "--region",
        default=None,
        help="serve as this region's endpoint: APIs deployed elsewhere answer APIG.0101",
    )
    p.add_argument(
        "--subscribe",
        action="append",
        default=None,
        metavar="API",
        help="subscribe to this API only (repeatable); others answer ModelArts.4204",
    )
    p.add_argument("--ak", help=f"accepted access key (default {Emulator.ak})")
    p.add_argument("--sk", help=f"accepted secret key (default: the fake {Emulator.sk})")
    p.add_argument("--project-id", help=f"accepted project id (default {Emulator.project_id})")
    p.add_argument("--username", help=f"IAM user (default {Emulator.username})")
    p.add_argument("--password", help="IAM password (default: Emulator.password)")
    p.add_argument("--domain", help=f"IAM account name (default {Emulator.domain})")
    g = p.add_argument_group("faults")
    for name in ("rate_429", "rate_500", "rate_503", "slow", "drop", "truncate", "non_json"):
        g.add_argument(
            "--" + name.replace("_", "-"),
            type=float,
            default=0.0,
            dest=name,
            help=f"rate 0-1 of {name.replace('rate_', '')} faults",
        )
    g.add_argument("--retry-after", type=float, default=1.0, help="Retry-After of 429s, s")
    g.add_argument("--max-concurrency", type=int, default=None, help="429 ModelArts.4401 above")
    g.add_argument("--seed", type=int, default=0, help="seed of the fault generator")
    return p


def connection_help(emu: Emulator, *, own_sk: bool = False) -> str:
    """What to paste to reach ``emu``: environment variables for ``Client.from_env()`` and the
    CLI, and the ``Client(...)`` call. The default key is a fake one that only the emulator
    accepts, so it is shown; a secret key passed with ``--sk`` is not.

    >>> with Emulator() as emu:
    ...     print(connection_help(emu).splitlines()[0])
    fake credentials (accepted only by this emulator on loopback, not by Huawei Cloud):
    """
    sk = "<the --sk you passed>" if own_sk else emu.sk
    return "\n".join(
        [
            "fake credentials (accepted only by this emulator on loopback, not by Huawei Cloud):",
            f"  export OCR_ENDPOINT={emu.url} HUAWEICLOUD_SDK_AK={emu.ak} \\",
            f"         HUAWEICLOUD_SDK_SK={sk} HUAWEICLOUD_SDK_PROJECT_ID={emu.project_id}",
            "  then in Python: ocrframe.Client.from_env(); in a shell: ocrframe run API INPUTS "
            f"--cache DIR --engine emulator --endpoint {emu.url}",
            f"  or: Client(endpoint={emu.url!r}, project_id={emu.project_id!r}, ak={emu.ak!r}, "
            f"sk={sk!r})",
        ]
    )


def main(argv: list[str] | None = None, prog: str = "ocrframe emulator") -> int:
    """Run until interrupted. Exit 0 on Ctrl-C, 1 on an ocrframe error, 2 on usage errors.

    >>> main(["--port", "0"])  # doctest: +SKIP
    """
    args = build_parser(prog).parse_args(argv)
    try:
        faults = Faults(
            rate_429=args.rate_429,
            retry_after=args.retry_after,
            rate_500=args.rate_500,
            rate_503=args.rate_503,
            slow=args.slow,
            drop=args.drop,
            truncate=args.truncate,
            non_json=args.non_json,
            max_concurrency=args.max_concurrency,
            seed=args.seed,
        )
        engine = None
        if args.engine != "none":
            from ..local import LocalEngine

            engine = LocalEngine(args.engine)
        emu = Emulator(
            ak=args.ak,
            sk=args.sk,
            project_id=args.project_id,
            username=args.username,
            password=args.password,
            domain=args.domain,
            port=args.port,
            host=args.host,
            latency=args.latency,
            faults=faults,
            engine=engine,
            token_ttl=args.token_ttl,
            region=args.region,
            subscriptions=args.subscribe,
        )
        emu.start()
    except (OcrError, OSError) as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"ocrframe emulator on {emu.url}  (Ctrl-C to stop)")
    print(connection_help(emu, own_sk=args.sk is not None))
    try:
        emu.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
    return 0
