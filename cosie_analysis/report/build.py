"""Building the report: every figure and table of :data:`~cosie_analysis.report.figures.FIGURES`, in
parallel and incrementally, then ``index.md`` with its references.

A figure is redrawn only when one of its inputs changed since its files were written: the
observation table (its sha256), the package (its version and a hash of its source files), or the
figure's options (name, language, phase scheme and rule, palette). The inputs and the sha256 of every
file written are kept in ``figures/.<stem>.inputs.json``; a file that was changed or removed since
also makes the figure redraw. ``force=True`` redraws everything. Figures are drawn in worker
processes (``jobs``); each figure is drawn by exactly the same code whichever way, so the files are
byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Sequence
from pathlib import Path

from cosie_analysis._io import atomic_write_bytes
from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.paths import reports_dir
from cosie_analysis.report.export import FIGURE_FORMATS, TABLE_FORMATS, save_figure, save_table
from cosie_analysis.report.figures import COMMAND, FIGURES, LANGS, ReportContext, report_context
from cosie_analysis.report.present import table_names
from cosie_analysis.style import report_style, text
from cosie_analysis.words import pick

__all__ = ["build_report", "figure_inputs", "write_index"]

_PACKAGE = Path(__file__).resolve().parents[1]
_WORKER: dict = {}  # the context of a worker process (set before forking, or by the initializer)


def _variant(scheme: str, rule: str, palette: str | None = None) -> str:
    """File-name suffix for a non-default phase scheme, rule or palette, so report sets never mix silently."""
    suffix = "" if (scheme, rule) == ("measures", "majority") else f"__{scheme}-{rule}"
    return suffix + (f"__{palette}" if palette not in (None, "okabe-ito") else "")


def _code_sha256() -> str:
    """A hash of the package's source and resource files: a code change redraws the figures."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".csv", ".json", ".mplstyle") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def figure_inputs(
    ctx: ReportContext, name: str, lang: str, palette: str | None = None, *, code: str | None = None
) -> dict:
    """Everything a report figure depends on; a figure whose inputs are unchanged is not redrawn."""
    from cosie_analysis import __version__

    return {
        "data_sha256": ctx.data_sha256,
        "version": __version__,
        "code_sha256": code or _code_sha256(),
        "figure": name,
        "lang": lang,
        "scheme": ctx.scheme,
        "rule": ctx.rule,
        "palette": palette or "okabe-ito",
        "figure_formats": list(FIGURE_FORMATS),
        "table_formats": list(TABLE_FORMATS),
    }


def _stamp_path(out: Path, stem: str) -> Path:
    return out / "figures" / f".{stem}.inputs.json"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_stamp(out: Path, stem: str) -> dict:
    try:
        return json.loads(_stamp_path(out, stem).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _up_to_date(out: Path, stem: str, inputs: dict) -> list[Path] | None:
    """The files of a figure when they exist unchanged and were made from ``inputs``; else None."""
    stamp = _read_stamp(out, stem)
    if stamp.get("inputs") != inputs:
        return None
    files = [out / rel for rel in stamp.get("files", {})]
    if not files or any(not p.is_file() or _sha(p) != h for p, h in zip(files, stamp["files"].values(), strict=True)):
        return None
    return files


def _draw(name: str, lang: str, out: Path, ctx: ReportContext, palette: str | None, inputs: dict) -> list[Path]:
    """Draw one report figure in one language, save it and its tables, and write its stamp."""
    import matplotlib.pyplot as plt

    spec = FIGURES[name]
    variant = _variant(ctx.scheme, ctx.rule, palette)
    stem = f"{name}_{lang}{variant}"
    with report_style(palette=palette):
        built = spec.build(ctx, lang)
        table_stems = [f"{t}_{lang}{variant}" for t in built.tables]
        provenance = {
            "source_tables": built.source_tables,
            "data_sha256": ctx.data_sha256,
            "phase_scheme": ctx.scheme,
            "phase_rule": ctx.rule,
            "figure": name,
            "lang": lang,
            "source": built.source,
            "tables": table_stems,
        }
        if palette not in (None, "okabe-ito"):
            provenance["palette"] = palette
        files = save_figure(
            built.fig,
            stem,
            source=built.source,
            lang=lang,
            height_mm=built.height_mm,
            provenance=provenance,
            data=getattr(built, "data", None),  # the protected series behind a figure of pilot-register data
            published=getattr(built, "published", True),
            out_dir=out / "figures",
        )
        plt.close(built.fig)  # type: ignore[arg-type]  # FigureOutput.fig is typed object
    published = getattr(built, "published", True)  # False for pilot-register data: its tables are checked too
    for table_stem, table in zip(table_stems, built.tables.values(), strict=True):
        names = ctx.once(("table_names", lang), lambda: table_names(ctx.obs, lang))  # codes -> names, in lang
        files += save_table(table, table_stem, lang=lang, source=built.source, published=published,
                            formats=TABLE_FORMATS, caption=pick(spec.caption_nl, spec.caption_en, lang),
                            out_dir=out / "tables", names=names)
    return files


def _build_figure(
    name: str,
    langs: Sequence[str],
    out: Path,
    palette: str | None,
    force: bool,
    code: str,
    ctx: ReportContext | None = None,
) -> tuple[str, list[tuple[str, list[str], bool]], float]:
    """One task: a figure in every language (they share the estimates). Returns, per language, the
    files and whether they were drawn (False: up to date), and the seconds spent drawing."""
    ctx = ctx or _WORKER["ctx"]
    t0 = time.perf_counter()
    done = []
    for lang in langs:
        t_lang = time.perf_counter()
        stem = f"{name}_{lang}{_variant(ctx.scheme, ctx.rule, palette)}"
        inputs = figure_inputs(ctx, name, lang, palette, code=code)
        found = None if force else _up_to_date(out, stem, inputs)
        drawn = found is None
        files = _draw(name, lang, out, ctx, palette, inputs) if found is None else found
        if drawn:
            stamp = {
                "inputs": inputs,
                "files": {p.relative_to(out).as_posix(): _sha(p) for p in files},
                "seconds": round(time.perf_counter() - t_lang, 2),
            }  # for ordering the next run (slowest first), not an input
            atomic_write_bytes(_stamp_path(out, stem), (json.dumps(stamp, indent=1, sort_keys=True) + "\n").encode())
        done.append((lang, [str(p) for p in files], drawn))
    return name, done, time.perf_counter() - t0


def _init_worker(ctx: ReportContext | None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    if ctx is not None:  # not inherited by fork: sent once per worker
        _WORKER["ctx"] = ctx


def _run_parallel(names, langs, out, palette, force, code, ctx, jobs, report):
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # fork (Linux) hands the workers the loaded observation table for free; elsewhere each loads it once
    method = "fork" if "fork" in mp.get_all_start_methods() else None
    if method == "fork":
        _WORKER["ctx"] = ctx
    try:
        with ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=mp.get_context(method),
            initializer=_init_worker,
            initargs=(None if method == "fork" else ctx,),
        ) as pool:
            futures = [pool.submit(_build_figure, n, langs, out, palette, force, code) for n in names]
            for future in as_completed(futures):
                report(*future.result())
    finally:
        _WORKER.pop("ctx", None)


def build_report(
    *,
    langs: Sequence[str] = LANGS,
    names: Sequence[str] | None = None,
    out_dir: str | Path | None = None,
    context: ReportContext | None = None,
    scheme: str = "measures",
    rule: str = "majority",
    progress: bool = True,
    jobs: int | None = 1,
    force: bool = False,
    palette: str | None = None,
) -> list[Path]:
    """Write the report's figures and tables, then rewrite ``index.md`` from every figure on disk.

    Parameters
    ----------
    langs : sequence of {"nl", "en"}
        Languages to write; each figure and table gets a ``_nl`` / ``_en`` suffix.
    names : sequence of str, optional
        Figure names to build (default: all of :data:`~cosie_analysis.report.figures.FIGURES`).
    out_dir : path-like, optional
        Default ``reports/``; figures go to ``figures/``, tables to ``tables/``.
    context : ReportContext, optional
        Default: the observation table from :func:`cosie_analysis.load_observations`.
    scheme, rule : str
        The phase scheme and straddling rule used throughout (recorded in every file). Other than
        the default ("measures", "majority") they also go into the file names
        (``pilot_phase_comparison_en__support-majority.png``), so sets made with different phases
        sit side by side instead of overwriting each other.
    progress : bool
        Print a line per figure (drawn, or up to date).
    jobs : int or None
        Worker processes drawing figures at the same time; None: one per core. 1 draws in this process.
    force : bool
        Redraw every figure even when its inputs are unchanged.
    palette : {"okabe-ito", "grey"}, optional
        ``"grey"`` writes a greyscale set (hatched phase bands) with the suffix ``__grey``.

    Returns
    -------
    list of pathlib.Path
        Every file of the requested figures (drawn or up to date), in figure order, ``index.md`` last.

    Notes
    -----
    The index lists every report figure found in ``figures/`` (not only those of this run), each with
    the scheme, rule, source and tables read from the figure file's own metadata, and ends with the
    references of every source table (:func:`cosie_analysis.cite`).

    Examples
    --------
    >>> import cosie_analysis as ca
    >>> files = ca.build_report(names=["corona_timeline"], jobs=2)  # doctest: +SKIP
    >>> files = ca.build_report(palette="grey", progress=False)  # a greyscale set, suffix __grey  # doctest: +SKIP
    """
    import matplotlib

    matplotlib.use("Agg")
    for lang in langs:
        check_choice("langs", lang, LANGS)
    names = list(names or FIGURES)
    for name in names:
        check_choice("names", name, list(FIGURES))
    if palette is not None and not isinstance(palette, str):
        raise ParameterError(
            f"`palette` of build_report must be a palette name ('okabe-ito', 'grey'); got "
            f"{type(palette).__name__}. Use report_figure(palette=...) for a mapping."
        )
    jobs = (os.cpu_count() or 1) if jobs is None else int(jobs)
    if jobs < 1:
        raise ParameterError(f"`jobs` must be a positive number of processes or None (one per core); got {jobs}.")
    out = Path(out_dir) if out_dir else reports_dir()
    ctx = context or report_context(scheme, rule)
    code = _code_sha256()
    results: dict[str, list] = {}

    def report(name, done, seconds):
        results[name] = done
        if progress:
            for lang, _, drawn in done:
                print(f"{name} ({lang}): {'drawn' if drawn else 'up to date'}", flush=True)

    # the slowest figures (as last measured) first, so that no worker is left with a long one at the end
    variant = _variant(ctx.scheme, ctx.rule, palette)
    order = sorted(names, key=lambda n: -_read_stamp(out, f"{n}_{langs[0]}{variant}").get("seconds", 0.0))
    if jobs == 1 or len(order) == 1:
        for name in order:
            report(*_build_figure(name, langs, out, palette, force, code, ctx))
    else:
        _run_parallel(order, langs, out, palette, force, code, ctx, min(jobs, len(order)), report)
    written = [Path(f) for name in names for _, files, _ in results[name] for f in files]
    written.append(write_index(out))
    return written


def _svg_provenance(path: Path) -> dict:
    from html import unescape

    match = re.search(r"<dc:description>(.*?)</dc:description>", path.read_text(encoding="utf-8"), re.S)
    return json.loads(unescape(match.group(1))) if match else {}


def write_index(out_dir: str | Path | None = None) -> Path:
    """Rewrite ``reports/index.md`` from the report figures on disk, with captions, sources, phase
    settings and tables (read from each figure's metadata), the command that makes each figure, and
    the references of every source table at the end."""
    out = Path(out_dir) if out_dir else reports_dir()
    lines = [
        "# Report figures and tables",
        "",
        f"Made by `{COMMAND}` (run by `make report`); every figure below is listed with the phase scheme and "
        "rule, the source and the observation table (sha256) it was made from, as recorded in its metadata.",
        "",
    ]
    tables_used: set[str] = set()
    for name, spec in FIGURES.items():
        found = sorted((out / "figures").glob(f"{name}_*.svg")) if (out / "figures").is_dir() else []
        found = [p for p in found if re.fullmatch(rf"{re.escape(name)}_(nl|en)(__[\w.-]+)*\.svg", p.name)]
        if not found:
            continue
        lines += [
            f"## {name}",
            "",
            f"- nl: {spec.caption_nl}",
            f"- en: {spec.caption_en}",
            f"- command: `{COMMAND} {name}` (`--lang nl|en` for one language, `--scheme`/`--rule` for other phases)",
        ]
        for svg in found:
            info = _svg_provenance(svg)
            tables_used |= set(info.get("source_tables", []))
            stem = svg.stem
            formats = [
                f"[{fmt}](figures/{stem}.{fmt})"
                for fmt in FIGURE_FORMATS
                if (out / "figures" / f"{stem}.{fmt}").is_file()
            ]
            lang = info.get("lang", "?")
            lines.append(
                f"- figure `{stem}`: "
                + ", ".join(formats)
                + f" — scheme `{info.get('phase_scheme')}`, rule `{info.get('phase_rule')}`, data "
                f"`{str(info.get('data_sha256', ''))[:12]}`; {text('source', lang) if lang in LANGS else 'source'}: "
                f"{info.get('source', '')}"
            )
            for table in info.get("tables", []):
                tfiles = [
                    f"[{fmt}](tables/{table}.{fmt})"
                    for fmt in TABLE_FORMATS
                    if (out / "tables" / f"{table}.{fmt}").is_file()
                ]
                if tfiles:
                    lines.append(f"  - table `{table}`: " + ", ".join(tfiles))
        lines.append("")
    lines += _references(tables_used)
    path = out / "index.md"
    atomic_write_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))
    return path


#: The sources that are not publishers' tables: what they are and where their own sources are named.
_OWN_SOURCES = {
    "cosie_analysis/resources/corona_timeline.csv": "Corona timeline of cosie-analysis "
    "(`cosie_analysis/resources/corona_timeline.csv`): each event cites its own source in column `source_url`.",
    "pilot register": "Pilot register: the pilot's own monitoring data, not public (see docs/pilot-data.md); "
    "synthetic until a user places a register in data/raw/pilot/.",
    "qda": "Coded narratives: the pilot's own coded stories (REFI-QDA or CSV export), not public; synthetic "
    "until a user places an export (see notebook 07).",
}


def _references(tables: set[str]) -> list[str]:
    """The references section: one APA line per registered source table, then the other sources."""
    import warnings

    import pandas as pd

    from cosie_analysis.citation import cite
    from cosie_analysis.data.registry import load_registry

    if not tables:
        return []
    entries = load_registry()["tables"]
    registered = set(entries) | {label for e in entries.values() for label in e.get("source_tables", [])}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the package's own resources are listed below instead
        apa = cite(pd.DataFrame({"source_table": sorted(tables)}), format="apa")
    others = sorted(tables - registered)
    return (
        [f"## {text('references', 'en')}", ""]
        + [f"- {line}" for line in apa.splitlines() if line]
        + [f"- {_OWN_SOURCES.get(t, f'`{t}`')}" for t in others]
        + [""]
    )
