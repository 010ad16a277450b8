"""The ``cosie-analysis`` command: ``fetch``, ``build``, ``report``, ``site`` and ``validate``."""

from __future__ import annotations

import argparse
import sys

from cosie_analysis.errors import CosieError

__all__ = ["main"]


def _fetch(args) -> int:
    from cosie_analysis.data.fetch import fetch

    fetch(offline=args.offline, tables=args.tables or None)
    return 0


def _build(args) -> int:
    from cosie_analysis.observations import build_observations, is_current

    if not args.force and is_current():
        print("data/processed is up to date with data/raw and the registry (use --force to rebuild)")
        return 0
    path = build_observations()
    print(f"wrote {path}")
    return 0


def _report(args) -> int:
    from cosie_analysis.report.build import build_report

    langs = [args.lang] if args.lang else ["nl", "en"]
    files = build_report(langs=langs, names=args.figures or None, scheme=args.scheme, rule=args.rule, jobs=args.jobs,
                         force=args.force, palette=args.palette)
    print(f"wrote {len(files)} files; see {files[-1]}")
    return 0


def _site(args) -> int:
    from cosie_analysis.report.site import build_site, check_site

    pages = build_site(args.out)
    broken = check_site(pages[-1].parent)
    for line in broken:
        print(f"broken link: {line}", file=sys.stderr)
    print(f"wrote {len(pages)} pages; open {pages[-1]}")
    return 1 if broken else 0


def _validate(args) -> int:
    from cosie_analysis.pilot.register import validate_register

    problems = validate_register(args.file)
    for problem in problems:
        print(f"{args.file}: {problem}")
    if problems:
        refused = sum(p.kind == "identifier" for p in problems)
        note = f", {refused} about direct identifiers (the file is refused)" if refused else ""
        print(f"{args.file}: {len(problems)} problem(s){note}. See docs/pilot-data.md.", file=sys.stderr)
        return 1
    print(f"{args.file}: OK, a valid pilot register.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cosie-analysis",
        description="Public-data analyses of the Dutch CoSIE pilots, before, during and after corona.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("fetch", help="fill data/raw from CBS (live) or from the offline mirror")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--offline", dest="offline", action="store_const", const=True, default=None,
                      help="copy from the mirror ($COSIE_MIRROR) only")
    mode.add_argument("--live", dest="offline", action="store_const", const=False,
                      help="download from CBS, failing when it cannot be reached")
    # default: live when CBS answers, otherwise the mirror
    p.add_argument("tables", nargs="*", help="registry ids to fetch (default: all)")
    p.set_defaults(func=_fetch)

    p = sub.add_parser("build", help="build data/processed/observations.parquet from data/raw")
    p.add_argument("--force", action="store_true", help="rebuild even when the output is up to date")
    p.set_defaults(func=_build)

    p = sub.add_parser("validate", help="check a pilot register (.csv or .xlsx) and list every problem")
    p.add_argument("file", help="the register file")
    p.set_defaults(func=_validate)

    p = sub.add_parser("report", help="write every figure and table to reports/ (run fetch and build first)")
    p.add_argument("--lang", choices=["nl", "en"], help="one language only (default: both)")
    p.add_argument("--scheme", default="measures", help="corona phase scheme (measures, support, lifted)")
    p.add_argument("--rule", default="majority", help="rule for periods straddling a phase boundary")
    p.add_argument("--jobs", "-j", type=int, default=None,
                   help="figures drawn at the same time, in worker processes (default: one per core)")
    p.add_argument("--force", action="store_true", help="redraw every figure, also those whose inputs are unchanged")
    p.add_argument("--palette", choices=["okabe-ito", "grey"], default=None,
                   help="'grey' writes a greyscale set with hatched phase bands (file suffix __grey)")
    p.add_argument("figures", nargs="*", help="figure names to build (default: all)")
    p.set_defaults(func=_report)

    p = sub.add_parser("site", help="render the notebooks and the report index to static HTML in site/ (offline)")
    p.add_argument("--out", default=None, help="output folder (default: site/)")
    p.set_defaults(func=_site)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CosieError as exc:
        print(f"cosie-analysis {args.command}: error: {exc}", file=sys.stderr)
        return 1
