"""REFI-QDA project exchange files (``.qdpx``): reading them into plain tables, and writing them.

A ``.qdpx`` file is a zip archive holding ``project.qde`` (XML in namespace
``urn:QDA-XML:project:1.0``, described by the REFI-QDA schema shipped as
``resources/refi_qda_project_1_0.xsd``) and a ``Sources/`` folder with the texts that sources point
to through ``plainTextPath``. NVivo, ATLAS.ti, MAXQDA and QualCoder export it.

:func:`parse_qdpx` checks the archive, validates the XML against the schema and returns the users,
the code tree, the text sources with their attributes and the codings, as plain tables, together with
every problem it found (each naming its place and a fix). :func:`qde_xml` writes a project in the same
format (used for the synthetic example project).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

__all__ = ["NAMESPACE", "QdpxContent", "parse_qdpx", "qde_xml", "schema_path"]

#: The namespace of every element of a REFI-QDA project.
NAMESPACE = "urn:QDA-XML:project:1.0"
_NS = {"q": NAMESPACE}
#: Variable names (lower case) recognised as the attributes the analyses need -> column.
VARIABLE_COLUMNS = {
    "pilot": "pilot", "date": "date", "datum": "date", "source_type": "source_type", "brontype": "source_type",
    "soort bron": "source_type", "channel": "channel", "kanaal": "channel", "synthetic": "synthetic",
    "synthetisch": "synthetic",
}  # fmt: skip


def schema_path() -> Path:
    """The REFI-QDA project schema (QDA-XML 1.0, 18 March 2019, MIT licence) shipped with the package."""
    return Path(str(resources.files("cosie_analysis") / "resources" / "refi_qda_project_1_0.xsd"))


@lru_cache(maxsize=1)
def _schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(schema_path())))


@dataclass(frozen=True)
class QdpxContent:
    """The tables read from one project: users, codes, sources and codings, and the problems found."""

    users: pd.DataFrame
    codes: pd.DataFrame
    sources: pd.DataFrame
    codings: pd.DataFrame
    problems: tuple[str, ...]


def _empty(problems: list[str]) -> QdpxContent:
    return QdpxContent(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), tuple(problems))


def _open(path: Path) -> tuple[bytes | None, zipfile.ZipFile | None, list[str]]:
    """The bytes of project.qde and the open archive, or the problems that stop reading."""
    if not zipfile.is_zipfile(path):
        return None, None, [("is not a zip archive, so not a REFI-QDA project export (.qdpx). Export the project "
                             "again with 'Export > REFI-QDA project' in your QDA program, or pass the .qde file "
                             "inside it.")]
    archive = zipfile.ZipFile(path)
    names = {n.lower(): n for n in archive.namelist()}
    if "project.qde" not in names:
        return None, None, [(f"the archive holds no project.qde (found: {sorted(archive.namelist())[:8]}). A .qdpx "
                             "export holds project.qde and a Sources/ folder; export the project again as REFI-QDA "
                             "project.")]
    return archive.read(names["project.qde"]), archive, []


def _guid(value: str | None) -> str:
    return (value or "").strip("{}").lower()


def _parse_xml(data: bytes) -> tuple[object | None, list[str]]:
    from lxml import etree

    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return None, [f"project.qde is not well-formed XML ({exc}). The export is damaged: export it again."]
    ns = etree.QName(root).namespace
    if ns != NAMESPACE:
        return None, [(f"project.qde: the root element <{etree.QName(root).localname}> is in namespace {ns!r}; "
                       f"expected {NAMESPACE!r} (REFI-QDA project 1.0). Export with a program that writes "
                       "REFI-QDA 1.0.")]
    schema = _schema()
    if not schema.validate(root.getroottree()):
        errors = [f"project.qde line {e.line}: {e.message}" for e in schema.error_log]
        return None, [(f"does not validate against the REFI-QDA project schema ({len(errors)} error(s)); fix the "
                      "export or report it to your QDA program's makers:")] + errors[:20]
    return root, []


def _code_tree(root) -> pd.DataFrame:
    rows = []

    def walk(el, parent, path):
        for code in el.findall("q:Code", _NS):
            name = code.get("name")
            full = path + [name]
            desc = code.find("q:Description", _NS)
            rows.append({"code_id": _guid(code.get("guid")), "code": name, "code_path": " > ".join(full),
                         "theme": full[0], "parent": parent, "depth": len(full),
                         "is_codable": code.get("isCodable") in ("true", "1"),
                         "description": desc.text if desc is not None else None, "line": code.sourceline})
            walk(code, name, full)

    codes = root.find("q:CodeBook/q:Codes", _NS)
    if codes is not None:
        walk(codes, None, [])
    return pd.DataFrame(rows, columns=["code_id", "code", "code_path", "theme", "parent", "depth", "is_codable",
                                       "description", "line"])


def _value(vv) -> str | None:
    for tag in ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue"):
        el = vv.find(f"q:{tag}", _NS)
        if el is not None:
            return (el.text or "").strip()
    return None


def _attributes(root) -> tuple[dict[str, dict[str, str | None]], dict[str, dict], list[str]]:
    """Variable values per source: from the cases holding the source, then the source's own values."""
    variables = {_guid(v.get("guid")): v.get("name") for v in root.iterfind("q:Variables/q:Variable", _NS)}
    problems: list[str] = []

    def values_of(el) -> dict[str, str | None]:
        out = {}
        for vv in el.findall("q:VariableValue", _NS):
            ref = _guid(vv.find("q:VariableRef", _NS).get("targetGUID"))
            if ref not in variables:
                problems.append(f"project.qde line {vv.sourceline}: a VariableValue points to variable {ref} that is "
                                "not in <Variables>. Export the project again with its variables.")
                continue
            out[variables[ref]] = _value(vv)
        return out

    by_case: dict[str, dict[str, str | None]] = {}
    case_refs: dict[str, dict] = {}
    for case in root.iterfind("q:Cases/q:Case", _NS):
        vals = values_of(case)
        for ref in case.findall("q:SourceRef", _NS):
            case_refs[_guid(ref.get("targetGUID"))] = {"line": ref.sourceline, "case": case.get("name")}
            by_case.setdefault(_guid(ref.get("targetGUID")), {}).update(vals)
    own = {_guid(s.get("guid")): values_of(s) for s in root.iterfind("q:Sources/q:TextSource", _NS)}
    merged = {g: {**by_case.get(g, {}), **v} for g, v in own.items()}
    return merged, case_refs, problems


def _text_of(source, archive: zipfile.ZipFile) -> tuple[str | None, str | None]:
    content = source.find("q:PlainTextContent", _NS)
    if content is not None:
        return content.text or "", None
    path = source.get("plainTextPath")
    if not path:
        return None, None
    name = path.replace("internal://", "").lstrip("/")
    members = {n.lower(): n for n in archive.namelist()}
    for candidate in (name, f"Sources/{name}", f"sources/{name}"):
        if candidate.lower() in members:
            return archive.read(members[candidate.lower()]).decode("utf-8-sig"), None
    return None, (f"project.qde line {source.sourceline}: source {source.get('name')!r} points to {path!r}, which is "
                  "not in the archive's Sources/ folder. Export the project again with its source files.")


def _to_characters(text: str, position: int) -> int:
    """A position counted in UTF-16 code units -> the same position in characters (code points)."""
    units = 0
    for i, ch in enumerate(text):
        if units >= position:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text) + (position - units)  # beyond the end: stays out of range


def parse_qdpx(path: str | Path, *, positions: str = "characters") -> QdpxContent:
    """Read a ``.qdpx`` project into tables; never raises for a bad file, lists the problems instead.

    The codings table has one row per coding: ``segment_id`` (the selection's GUID), ``source_id``,
    ``start``, ``end`` (character positions of the selection in the plain text, end excluded),
    ``code_id``, ``coder`` (the user's name, else GUID), ``excerpt`` and ``line`` (in project.qde).
    ``positions="utf-16"`` reads selection positions counted in UTF-16 code units (as some programs
    write them) and converts them to characters; they differ only in texts with characters outside
    the Basic Multilingual Plane, such as emoji.
    """
    path = Path(path)
    data, archive, problems = _open(path)
    if data is None or archive is None:
        return _empty(problems)
    with archive:
        root, problems = _parse_xml(data)
        if root is None:
            return _empty(problems)
        return _tables(root, archive, positions)


def _tables(root, archive: zipfile.ZipFile, positions: str) -> QdpxContent:
    users = pd.DataFrame([{"user_id": _guid(u.get("guid")), "coder": u.get("name") or _guid(u.get("guid"))}
                          for u in root.iterfind("q:Users/q:User", _NS)], columns=["user_id", "coder"])
    coder_of = dict(zip(users["user_id"], users["coder"], strict=True))
    codes = _code_tree(root)
    known_codes = set(codes["code_id"])
    attrs, case_refs, problems = _attributes(root)
    sources, codings = [], []
    for src in root.iterfind("q:Sources/q:TextSource", _NS):
        gid = _guid(src.get("guid"))
        text, problem = _text_of(src, archive)
        if problem:
            problems.append(problem)
        row = {"source_id": gid, "name": src.get("name") or gid, "line": src.sourceline,
               "n_chars": None if text is None else len(text)}
        for var, value in attrs.get(gid, {}).items():
            row[VARIABLE_COLUMNS.get(str(var).strip().lower(), str(var))] = value
        sources.append(row)
        for sel in src.findall("q:PlainTextSelection", _NS):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            if positions == "utf-16" and text is not None:
                start, end = _to_characters(text, start), _to_characters(text, end)
            for coding in sel.findall("q:Coding", _NS):
                user = _guid(coding.get("creatingUser") or sel.get("creatingUser"))
                code = _guid(coding.find("q:CodeRef", _NS).get("targetGUID"))
                if code not in known_codes:
                    problems.append(f"project.qde line {coding.sourceline}: a coding of selection "
                                    f"{_guid(sel.get('guid'))} in source {row['name']!r} points to code {code}, which "
                                    "is not in the CodeBook. Export the project again with its complete code system.")
                    continue
                if user and user not in coder_of:
                    problems.append(f"project.qde line {coding.sourceline}: the coding's creatingUser {user} is not in "
                                    "<Users>. Export the project again with its users (coders).")
                    continue
                codings.append({"segment_id": _guid(sel.get("guid")), "source_id": gid, "start": start, "end": end,
                                "code_id": code, "coder": coder_of.get(user, "unknown"),
                                "excerpt": (text[start:end] if text is not None and 0 <= start < end <= len(text)
                                            else None),
                                "line": coding.sourceline})
    known_sources = {s["source_id"] for s in sources}
    for ref, where in case_refs.items():
        if ref not in known_sources:
            problems.append(f"project.qde line {where['line']}: case {where['case']!r} refers to source {ref}, "
                            "which is not among the <Sources>. Export the project again with all its documents.")
    return QdpxContent(users, codes, pd.DataFrame(sources), pd.DataFrame(
        codings, columns=["segment_id", "source_id", "start", "end", "code_id", "coder", "excerpt", "line"]),
        tuple(problems))


def qde_xml(*, name: str, users: list[dict], codes: list[dict], variables: list[dict], sources: list[dict],
            cases: list[dict] | None = None) -> bytes:
    """Serialise a project as ``project.qde`` XML (UTF-8); the inputs are plain dicts.

    ``users``: ``guid``, ``name``. ``codes``: ``guid``, ``name``, ``children`` (same shape).
    ``variables``: ``guid``, ``name``. ``sources``: ``guid``, ``name``, ``text``, ``values``
    (variable guid -> text), optional ``path`` (the text then goes to ``Sources/path``), ``selections``
    (``guid``, ``start``, ``end``, ``codings``: list of (coding guid, user guid, code guid)). ``cases``:
    ``guid``, ``name``, ``values``, ``sources`` (source guids). Attributes appear in a fixed order, so the bytes
    are stable.
    """
    from lxml import etree

    q = f"{{{NAMESPACE}}}"
    root = etree.Element(q + "Project", nsmap={None: NAMESPACE}, name=name, origin="cosie_analysis")
    el = etree.SubElement(root, q + "Users")
    for u in users:
        etree.SubElement(el, q + "User", guid=u["guid"], name=u["name"])

    def add_codes(parent, items):
        for c in items:
            sub = etree.SubElement(parent, q + "Code", guid=c["guid"], name=c["name"], isCodable="true")
            add_codes(sub, c.get("children", []))

    add_codes(etree.SubElement(etree.SubElement(root, q + "CodeBook"), q + "Codes"), codes)
    el = etree.SubElement(root, q + "Variables") if variables else None
    for v in variables:
        etree.SubElement(el, q + "Variable", guid=v["guid"], name=v["name"], typeOfVariable="Text")
    def add_values(parent, values):
        for var_guid, value in values.items():
            vv = etree.SubElement(parent, q + "VariableValue")
            etree.SubElement(vv, q + "VariableRef", targetGUID=var_guid)
            etree.SubElement(vv, q + "TextValue").text = value

    if cases:
        el = etree.SubElement(root, q + "Cases")
        for c in cases:
            case = etree.SubElement(el, q + "Case", guid=c["guid"], name=c["name"])
            add_values(case, c.get("values", {}))
            for ref in c.get("sources", []):
                etree.SubElement(case, q + "SourceRef", targetGUID=ref)
    el = etree.SubElement(root, q + "Sources")
    for s in sources:
        src = etree.SubElement(el, q + "TextSource", guid=s["guid"], name=s["name"])
        if s.get("path"):  # the text lives in Sources/ inside the archive
            src.set("plainTextPath", f"internal://{s['path']}")
        else:
            etree.SubElement(src, q + "PlainTextContent").text = s["text"]
        for sel in s["selections"]:
            se = etree.SubElement(src, q + "PlainTextSelection", guid=sel["guid"], startPosition=str(sel["start"]),
                                  endPosition=str(sel["end"]))
            for cg, user, code in sel["codings"]:
                co = etree.SubElement(se, q + "Coding", guid=cg, creatingUser=user)
                etree.SubElement(co, q + "CodeRef", targetGUID=code)
        add_values(src, s.get("values", {}))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
