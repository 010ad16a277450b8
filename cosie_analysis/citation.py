"""Citing the data: a reference for every source table behind an observation frame or a result.

The facts come from the registry (``data/registry.json``): publisher, title, table id, ``url``,
``licence`` and, where the fetch recorded them, ``modified`` (the publisher's last modification of the
table) and ``accessed`` (the day it was downloaded; both also read from the latest entry of
``revisions``, which a live fetch writes). A fact the registry does not hold is left out of
the reference, never guessed.
"""

from __future__ import annotations

import json
import re
import warnings

from cosie_analysis.catalog import source_tables_of
from cosie_analysis.errors import ParameterError

__all__ = ["CITE_FORMATS", "cite", "references"]

CITE_FORMATS = ("apa", "bibtex", "csl-json")


def _registry(registry: dict | None) -> dict:
    if registry is not None:
        return registry.get("tables", registry)
    from cosie_analysis.data.registry import load_registry

    return load_registry()["tables"]


def references(data=None, *, registry: dict | None = None) -> list[dict]:
    """The registry facts of every source table used by ``data`` (all tables when None), sorted by id.

    Each dict has ``id``, ``publisher``, ``title`` and, where known, ``url``, ``licence``,
    ``modified`` and ``accessed`` (ISO dates). A ``source_table`` value that names a registry entry
    through the entry's ``source_tables`` (e.g. "Leefbaarometer 3.0 (2022)" for ``lbm3``) cites that
    entry. Tables that are not in the registry (synthetic data, the package's own resources) are
    skipped with a ``UserWarning`` naming them.
    """
    tables = _registry(registry)
    alias = {label: key for key, entry in tables.items() for label in entry.get("source_tables", [])}
    ids = sorted(tables) if data is None else sorted(
        dict.fromkeys(t if t in tables else alias.get(t, t) for t in source_tables_of(data)))
    if data is not None and not ids:
        warnings.warn(
            f"cite(): the {type(data).__name__} passed names no source table (no `source_table` column in it, "
            "its summary() or its plot_data()), so nothing is cited. Pass the observation rows the analysis "
            "read, e.g. ca.cite(obs[obs['indicator'] == 'crime_1_1_1']).",
            UserWarning,
            stacklevel=3,
        )
    unknown = [t for t in ids if t not in tables]
    if unknown:
        warnings.warn(
            f"cite(): {unknown} are not tables of the registry (data/registry.json) and are not cited.",
            UserWarning,
            stacklevel=3,
        )
    out = []
    for table_id in (t for t in ids if t in tables):
        entry = tables[table_id]
        ref = {"id": table_id, "publisher": entry.get("publisher", ""), "title": entry.get("title", "")}
        if entry.get("table_id") or entry.get("source") != "manual":  # a publisher's table number
            ref["table"] = entry.get("table_id", table_id)  # (a manual download has none unless given)
        revisions = [r for r in entry.get("revisions", []) if isinstance(r, dict)]
        latest = revisions[-1] if revisions else {}  # a live fetch that found a revised table records both dates
        for key, value in (
            ("url", entry.get("url")),
            ("url", entry.get("download")),
            ("licence", entry.get("licence")),
            ("modified", entry.get("modified")),
            ("modified", latest.get("modified")),
            ("accessed", entry.get("accessed")),
            ("accessed", latest.get("fetched")),
        ):
            if value and key not in ref:
                ref[key] = str(value)
        out.append(ref)
    return out


def _key(ref: dict) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", f"{ref['publisher'].split(',')[0]}_{ref['id']}").strip("_")


def _bibtex(ref: dict) -> str:
    def esc(text: str) -> str:
        return re.sub(r"([&%$#_{}])", r"\\\1", text)

    fields = [
        ("author", "{" + esc(ref["publisher"]) + "}"),
        ("title", "{" + esc(ref["title"]) + "}"),
        ("publisher", esc(ref["publisher"])),
        ("number", esc(ref["id"])),
        ("type", "Dataset"),
    ]
    if ref.get("modified"):
        fields.append(("year", ref["modified"][:4]))
        fields.append(("date", ref["modified"][:10]))
    if ref.get("url"):
        fields.append(("url", ref["url"]))
    if ref.get("accessed"):
        fields.append(("urldate", ref["accessed"][:10]))
    if ref.get("licence"):
        fields.append(("note", "Licence: " + esc(ref["licence"])))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{_key(ref)},\n{body}\n}}"


def _date_parts(iso: str) -> dict:
    return {"date-parts": [[int(p) for p in iso[:10].split("-")]]}


def _csl(ref: dict) -> dict:
    item = {
        "id": _key(ref),
        "type": "dataset",
        "title": ref["title"],
        "author": [{"literal": ref["publisher"]}],
        "publisher": ref["publisher"],
        "number": ref["id"],
    }
    if ref.get("url"):
        item["URL"] = ref["url"]
    if ref.get("licence"):
        item["license"] = ref["licence"]
    if ref.get("modified"):
        item["issued"] = _date_parts(ref["modified"])
    if ref.get("accessed"):
        item["accessed"] = _date_parts(ref["accessed"])
    return item


def _apa(ref: dict) -> str:
    year = ref["modified"][:4] if ref.get("modified") else "n.d."
    number = f" (Table {ref['table']})" if ref.get("table") else ""
    text = f"{ref['publisher']}. ({year}). {ref['title']}{number} [Data set]."
    if ref.get("licence"):
        text += f" Licence: {ref['licence']}."
    if ref.get("url"):
        text += f" Retrieved {ref['accessed'][:10]}, from {ref['url']}" if ref.get("accessed") else f" {ref['url']}"
    return text


def cite(data=None, *, format: str = "apa", registry: dict | None = None) -> str:  # noqa: A002 - the common word
    """References for every source table behind an observation frame or a result object.

    Parameters
    ----------
    data : pandas.DataFrame or result object, optional
        An observation frame (its ``source_table`` column) or a result whose ``summary()`` or
        ``plot_data()`` names source tables. None: every table of the registry.
    format : {"apa", "bibtex", "csl-json"}
        APA 7 data-set references (one per line), BibTeX ``@misc`` entries, or a CSL-JSON array (for
        Zotero, pandoc and most reference managers).
    registry : dict, optional
        A registry to read instead of ``data/registry.json``.

    Returns
    -------
    str
        The references, sorted by table id.

    Examples
    --------
    >>> import pandas as pd
    >>> registry = {"T1": {"publisher": "CBS", "title": "Synthetic example table", "licence": "CC BY 4.0",
    ...                    "url": "https://example.org/T1"}}
    >>> print(cite(pd.DataFrame({"source_table": ["T1"]}), registry=registry))
    CBS. (n.d.). Synthetic example table (Table T1) [Data set]. Licence: CC BY 4.0. https://example.org/T1
    """
    if format not in CITE_FORMATS:
        raise ParameterError(f"`format` must be one of {list(CITE_FORMATS)!r}; got {format!r}.")
    refs = references(data, registry=registry)
    if format == "csl-json":
        return json.dumps([_csl(r) for r in refs], indent=2, ensure_ascii=False)
    if format == "bibtex":
        return "\n\n".join(_bibtex(r) for r in refs)
    return "\n".join(_apa(r) for r in refs)
