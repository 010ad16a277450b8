"""The ``cosie-analysis`` command: ``fetch``, ``build`` and ``report``."""

from __future__ import annotations

import argparse
import sys

from cosie_analysis.errors import CosieError

__all__ = ["main"]


def _fetch(args) -> int:
    from cosie_analysis.fetch import fetch

    fetch(offline=args.offline, tables=args.tables or None)
    return 0


def _build(args) -> int:
    from cosie_analysis.observations import build_observations

    path = build_observations()
    print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cosie-analysis",
        description="Public-data analyses of the Dutch CoSIE pilots, before, during and after corona.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("fetch", help="fill data/raw from CBS (live) or from the offline mirror")
    p.add_argument("--offline", action="store_true", help="copy from the mirror ($COSIE_MIRROR) only")
    p.add_argument("tables", nargs="*", help="registry ids to fetch (default: all)")
    p.set_defaults(func=_fetch)

    p = sub.add_parser("build", help="build data/processed/observations.parquet from data/raw")
    p.set_defaults(func=_build)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CosieError as exc:
        print(f"cosie-analysis {args.command}: error: {exc}", file=sys.stderr)
        return 1
