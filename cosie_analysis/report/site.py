"""A static HTML site of the executed notebooks and the report, for readers without Python.

``make site`` (``cosie-analysis site``) renders every notebook in ``notebooks/`` as committed, with its
outputs, through nbconvert, and the report index (``reports/index.md``: figures, tables, captions,
references) with its figure and table files, into ``site/``. It runs offline: nothing is executed or
downloaded, and the pages load no script from the internet (nbconvert's MathJax and require.js links
are left out; the notebooks use neither).

nbconvert rather than Jupyter Book: it comes with jupyterlab (no new dependency), renders the
committed, already executed notebooks as they are, and a handful of pages needs no table of
contents, cross-referencing or Sphinx build.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from cosie_analysis._io import atomic_write_bytes
from cosie_analysis.errors import InputFileError
from cosie_analysis.paths import REPO_ROOT, reports_dir
from cosie_analysis.words import word

__all__ = ["build_site", "check_site"]

_EXTERNAL_SCRIPT = re.compile(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>\s*', re.I)
_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
        line-height: 1.45; color: #222; }}
img {{ max-width: 100%; height: auto; border: 1px solid #ddd; margin: 0.5rem 0 1rem; }}
code {{ background: #f4f4f4; padding: 0 0.2em; }}
nav a {{ margin-right: 1rem; }}
</style>
</head>
<body>
<nav><a href="{home}">cosie-analysis</a></nav>
{body}
</body>
</html>
"""


def _page(title: str, body: str, *, home: str, lang: str = "en") -> bytes:
    return _PAGE.format(title=html.escape(title), body=body, home=home, lang=lang).encode("utf-8")


def _notebook_html(path: Path) -> tuple[str, bytes]:
    """The notebook's title (its first heading) and its HTML page, without scripts from the internet."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    body = _EXTERNAL_SCRIPT.sub("", body)
    title = path.stem
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if match:
                title = match.group(1).strip()
                break
    return title, body.encode("utf-8")


def _report_html(index_md: str) -> str:
    """The report index as HTML, each figure shown from its PNG below its line."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    lines = []
    for line in index_md.splitlines():
        lines.append(line)
        match = re.match(r"- figure `([^`]+)`: .*\((figures/[^)]+\.png)\)", line)
        if match:
            lines.append(f"\n  ![{match.group(1)}]({match.group(2)})\n")
    return markdown2html_mistune("\n".join(lines))


def build_site(
    out_dir: str | Path | None = None,
    *,
    notebooks: Sequence[str | Path] | None = None,
    report: str | Path | None = None,
) -> list[Path]:
    """Render the notebooks and the report index to a static HTML site.

    Parameters
    ----------
    out_dir : path-like, optional
        Default ``site/`` in the repository (git-ignored). Its ``notebooks/`` and ``report/`` folders
        are replaced.
    notebooks : sequence of path-like, optional
        Default: every ``notebooks/*.ipynb``, in name order (their reading order).
    report : path-like, optional
        The report folder with ``index.md``, ``figures/`` and ``tables/`` (default ``reports/``); run
        ``cosie-analysis report`` first. Without an ``index.md`` the site has the notebooks only.

    Returns
    -------
    list of pathlib.Path
        The HTML pages written, ``index.html`` last.

    Raises
    ------
    InputFileError
        A notebook that does not exist.

    Examples
    --------
    >>> from cosie_analysis.report.site import build_site, check_site
    >>> pages = build_site()  # needs `cosie-analysis report` first for the report pages  # doctest: +SKIP
    >>> check_site("site")  # doctest: +SKIP
    []
    """
    out = Path(out_dir) if out_dir else REPO_ROOT / "site"
    nb_paths = (
        [Path(p) for p in notebooks] if notebooks is not None else sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
    )
    missing = [p for p in nb_paths if not p.is_file()]
    if missing:
        raise InputFileError(
            missing[0],
            "notebook not found (build_site)",
            "Pass existing .ipynb files to `notebooks`, or none for every notebook in notebooks/.",
        )
    report_dir = Path(report) if report else reports_dir()
    for sub in ("notebooks", "report"):
        shutil.rmtree(out / sub, ignore_errors=True)
    pages, entries = [], []
    for nb in nb_paths:
        title, page = _notebook_html(nb)
        target = out / "notebooks" / f"{nb.stem}.html"
        atomic_write_bytes(target, page)
        pages.append(target)
        entries.append(f'<li><a href="notebooks/{nb.stem}.html">{html.escape(title)}</a></li>')
    report_link = ""
    if (report_dir / "index.md").is_file():
        for sub in ("figures", "tables"):
            if (report_dir / sub).is_dir():
                shutil.copytree(report_dir / sub, out / "report" / sub, ignore=shutil.ignore_patterns(".*"))
        body = _report_html((report_dir / "index.md").read_text(encoding="utf-8"))
        target = out / "report" / "index.html"
        atomic_write_bytes(target, _page(word("report_title", "en"), body, home="../index.html"))
        pages.append(target)
        report_link = f'<h2><a href="report/index.html">{html.escape(word("report_title", "en"))}</a></h2>'
    body = (
        "<h1>cosie-analysis</h1><p>Before, during and after corona in the Dutch CoSIE pilots (Houten, "
        "Nieuwegein), on public CBS and Politie data.</p>"
        + report_link
        + f"<h2>{word('notebooks', 'en')}</h2><ol>"
        + "".join(entries)
        + "</ol>"
    )
    index = out / "index.html"
    atomic_write_bytes(index, _page("cosie-analysis", body, home="index.html"))
    pages.append(index)
    return pages


def check_site(out_dir: str | Path) -> list[str]:
    """Every internal link and image of every page that points to nothing, as ``page: target`` lines.

    Links to the web (``http:``, ``https:``, ``mailto:``), data URIs and in-page anchors are not checked.
    """
    out = Path(out_dir)
    problems = []
    for page in sorted(out.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r'(?:href|src)="([^"]+)"', text):
            if re.match(r"(https?:|mailto:|data:|#|javascript:)", target):
                continue
            path = target.split("#", 1)[0].split("?", 1)[0]
            if path and not (page.parent / html.unescape(path)).exists():
                problems.append(f"{page.relative_to(out)}: {target}")
    return problems
