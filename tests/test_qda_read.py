"""Reading coded narratives: REFI-QDA (.qdpx) and CSV give the same tidy table; every malformed file
gives one clear error naming its place; segments get the phase of their source's date."""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile

import pandas as pd
import pytest
from lxml import etree

import cosie_analysis as ca
from cosie_analysis.errors import CosieError, InputFileError
from cosie_analysis.phases import assign_phase
from cosie_analysis.qda.example import PLANTED_CODES, write_example_qdpx
from cosie_analysis.qda.qdpx import NAMESPACE, parse_qdpx, qde_xml, schema_path
from cosie_analysis.qda.read import CSV_COLUMNS, codings_template_path, read_codings


def g(i: int) -> str:
    return str(uuid.UUID(int=i))


TEXT = "Eerst kwam er iemand langs. Daarna alleen nog beeldbellen."  # 27 + 1 + 30 characters


def project(tmp_path, *, selections=None, cases=None, values=True, text=TEXT, namespace=None, name="p.qdpx",
            extra_members=None, drop_qde=False, source_path=False):
    """A tiny hand-made project: two coders, one category with two codes, one source (SYNTHETIC)."""
    users = [{"guid": g(1), "name": "codeur A"}, {"guid": g(2), "name": "codeur B"}]
    codes = [{"guid": g(10), "name": "contact", "children": [{"guid": g(11), "name": "fysiek contact"},
                                                             {"guid": g(12), "name": "digitaal contact"}]}]
    variables = [{"guid": g(20), "name": "pilot"}, {"guid": g(21), "name": "date"}]
    if selections is None:
        selections = [{"guid": g(30), "start": 0, "end": 27, "codings": [(g(40), g(1), g(11)), (g(41), g(2), g(11))]},
                      {"guid": g(31), "start": 28, "end": 58, "codings": [(g(42), g(1), g(12))]}]
    src = {"guid": g(50), "name": "verhaal 1", "text": text, "selections": selections,
           "values": {g(20): "houten", g(21): "2020-03-12"} if values is True else (values or {})}
    if source_path:
        src["path"] = f"{g(50)}.txt"
    xml = qde_xml(name="test (synthetic)", users=users, codes=codes, variables=variables, sources=[src], cases=cases)
    if namespace:
        xml = xml.replace(NAMESPACE.encode(), namespace.encode())
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        if not drop_qde:
            z.writestr("project.qde", xml)
        if source_path:
            z.writestr(f"Sources/{g(50)}.txt", text)
        for member, data in (extra_members or {}).items():
            z.writestr(member, data)
    return path


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    path = write_example_qdpx(tmp_path_factory.mktemp("qda") / "example.qdpx", seed=3, per_phase=12)
    return path, read_codings(path)


# ----------------------------------------------------------------------------- reading


def test_a_hand_made_project_reads_into_the_tidy_table(tmp_path):
    c = read_codings(project(tmp_path))
    s = c.segments
    assert list(s.columns) == ["segment_id", "source_id", "pilot", "date", "phase", "coder", "code", "code_path",
                               "theme", "start", "end", "excerpt"]
    assert len(s) == 3
    assert sorted(zip(s["coder"], s["code"], strict=True)) == [
        ("codeur A", "digitaal contact"), ("codeur A", "fysiek contact"), ("codeur B", "fysiek contact")]
    assert set(s["code_path"]) == {"contact > fysiek contact", "contact > digitaal contact"}
    assert set(s["theme"]) == {"contact"}
    assert set(s.loc[s["code"] == "fysiek contact", "excerpt"]) == {TEXT[0:27]}
    assert set(s.loc[s["code"] == "digitaal contact", "excerpt"]) == {TEXT[28:58]}
    assert s["pilot"].eq("houten").all() and s["date"].eq(pd.Timestamp("2020-03-12")).all()
    assert s["phase"].astype(str).eq("during").all()  # the first day of 'during' is included
    assert not c.synthetic
    assert set(c.codes["code_path"]) == {"contact", "contact > fysiek contact", "contact > digitaal contact"}


def test_the_example_validates_against_the_schema_and_is_byte_identical(tmp_path):
    a = write_example_qdpx(tmp_path / "a.qdpx", seed=1, per_phase=3)
    b = write_example_qdpx(tmp_path / "b.qdpx", seed=1, per_phase=3)
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    schema = etree.XMLSchema(etree.parse(str(schema_path())))
    root = etree.fromstring(zipfile.ZipFile(a).read("project.qde"))
    assert schema.validate(root.getroottree()), schema.error_log
    names = zipfile.ZipFile(a).namelist()
    assert sum(n.startswith("Sources/") for n in names) == 2 * 3 * 3


def test_the_example_is_marked_synthetic_and_dates_give_phases(example):
    _, c = example
    assert c.synthetic and "SYNTHETIC" in repr(c)
    src = c.sources
    assert src["synthetic"].eq("true").all()
    assert (src["phase"].astype(str).to_numpy() == assign_phase(src["date"].dt.strftime("%Y-%m-%d").tolist())
            .astype(str).to_numpy()).all()
    assert src.groupby(["pilot", "phase"], observed=True).size().eq(12).all()
    assert set(c.segments["code"]) <= set(PLANTED_CODES)
    assert c.coders == ["codeur A", "codeur B"]
    assert c.segments["excerpt"].notna().all()


def test_qdpx_and_csv_read_into_the_same_table(example, tmp_path):
    _, c = example
    seg = c.segments
    csv = seg.assign(code=seg["code_path"], date=seg["date"].dt.strftime("%Y-%m-%d"))[
        ["segment_id", "source_id", "pilot", "date", "coder", "code", "excerpt"]]
    path = tmp_path / "codings.csv"
    csv.to_csv(path, index=False)
    from_csv = read_codings(path)
    cols = ["segment_id", "source_id", "pilot", "date", "phase", "coder", "code", "code_path", "theme", "excerpt"]
    pd.testing.assert_frame_equal(from_csv.segments[cols], seg[cols])
    assert from_csv.segments["start"].isna().all()
    coded = c.sources[c.sources["source_id"].isin(seg["source_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(from_csv.sources[["source_id", "pilot", "date", "phase"]],
                                  coded[["source_id", "pilot", "date", "phase"]])


def test_semicolon_csv_and_the_template(tmp_path):
    assert list(pd.read_csv(codings_template_path()).columns) == list(CSV_COLUMNS)
    dictionary = ca.codings_dictionary()
    assert dictionary["column"].tolist() == list(CSV_COLUMNS)
    assert dictionary.set_index("column")["required"].eq("yes").to_dict() == {c: r for c, (r, _) in CSV_COLUMNS.items()}
    path = tmp_path / "c.csv"
    path.write_text("segment_id;source_id;pilot;date;coder;code\nS1;V1;Nieuwegein;2022-03-23;A;vertrouwen\n",
                    encoding="utf-8")
    s = read_codings(path).segments
    assert s.loc[0, "pilot"] == "nieuwegein" and s.loc[0, "phase"] == "after"  # during_end is the first 'after' day
    assert s.loc[0, "theme"] == "vertrouwen" and pd.isna(s.loc[0, "excerpt"])


def test_text_in_the_sources_folder_is_read(tmp_path):
    c = read_codings(project(tmp_path, source_path=True))
    assert set(c.segments["excerpt"]) == {TEXT[0:27], TEXT[28:58]}


def test_case_variables_date_the_source(tmp_path):
    case = {"guid": g(60), "name": "geval 1", "values": {g(20): "nieuwegein", g(21): "2019-05-01"}, "sources": [g(50)]}
    c = read_codings(project(tmp_path, cases=[case], values={}))
    assert c.sources.loc[0, "pilot"] == "nieuwegein" and c.sources.loc[0, "phase"] == "before"


def test_excerpts_with_identifiers_are_withheld_and_not_echoed(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("segment_id,source_id,pilot,date,coder,code,excerpt\n"
                    "S1,V1,houten,2020-06-01,A,contact,mail me op jan.jansen@voorbeeld.nl\n"
                    "S2,V1,houten,2020-06-01,A,vertrouwen,ik vertrouwde haar\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"withheld 1 excerpt\(s\) in 1 segment") as rec:
        c = read_codings(path)
    assert "jan.jansen" not in str(rec[0].message)
    s = c.segments.set_index("segment_id")
    assert pd.isna(s.loc["S1", "excerpt"]) and s.loc["S2", "excerpt"] == "ik vertrouwde haar"
    assert read_codings(path, excerpts=False).segments["excerpt"].isna().all()


def test_the_input_file_is_unchanged(example):
    path, _ = example
    before = path.read_bytes()
    read_codings(path)
    assert path.read_bytes() == before


# ----------------------------------------------------------------------------- malformed files


def raises(path, match):
    with pytest.raises(InputFileError, match=match) as exc:
        read_codings(path)
    assert isinstance(exc.value, CosieError)
    assert str(path) in str(exc.value)
    return exc.value


def test_not_a_zip(tmp_path):
    p = tmp_path / "x.qdpx"
    p.write_text("hello")
    raises(p, "is not a zip archive, so not a REFI-QDA project export")


def test_no_project_qde(tmp_path):
    raises(project(tmp_path, drop_qde=True, extra_members={"Sources/a.txt": "x"}), r"holds no project.qde \(found")


def test_wrong_namespace(tmp_path):
    raises(project(tmp_path, namespace="urn:QDA-XML:project:0.9"),
           r"namespace 'urn:QDA-XML:project:0.9'; expected 'urn:QDA-XML:project:1.0'")


def test_not_well_formed(tmp_path):
    p = tmp_path / "x.qdpx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("project.qde", "<Project")
    raises(p, "not well-formed XML")


def test_schema_errors_are_listed_with_their_line(tmp_path):
    p = project(tmp_path)
    xml = zipfile.ZipFile(p).read("project.qde").replace(b' isCodable="true"', b"", 1)
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("project.qde", xml)
    err = raises(p, "does not validate against the REFI-QDA project schema")
    assert any("line" in x and "isCodable" in x for x in err.problems)


def test_coding_pointing_to_a_missing_code(tmp_path):
    sel = [{"guid": g(30), "start": 0, "end": 27, "codings": [(g(40), g(1), g(99))]}]
    err = raises(project(tmp_path, selections=sel), rf"points to code {g(99)}, which is not in the CodeBook")
    assert len(err.problems) == 1


def test_case_pointing_to_a_missing_source(tmp_path):
    case = {"guid": g(60), "name": "geval 1", "values": {}, "sources": [g(98)]}
    raises(project(tmp_path, cases=[case]), rf"case 'geval 1' refers to source {g(98)}, which is not among the")


def test_source_file_missing_from_the_archive(tmp_path):
    p = project(tmp_path, source_path=True)
    data = {n: zipfile.ZipFile(p).read(n) for n in zipfile.ZipFile(p).namelist() if not n.startswith("Sources/")}
    with zipfile.ZipFile(p, "w") as z:
        for n, d in data.items():
            z.writestr(n, d)
    raises(p, r"which is not in the archive's Sources/ folder")


def test_out_of_range_selection(tmp_path):
    sel = [{"guid": g(30), "start": 28, "end": 80, "codings": [(g(40), g(1), g(11))]}]
    raises(project(tmp_path, selections=sel), r"runs from 28 to 80, outside the text \(0 to 58\) or empty")


def test_overlapping_selections_with_the_same_code_and_coder(tmp_path):
    sel = [{"guid": g(30), "start": 0, "end": 27, "codings": [(g(40), g(1), g(11))]},
           {"guid": g(31), "start": 20, "end": 40, "codings": [(g(41), g(1), g(11))]}]
    err = raises(project(tmp_path, selections=sel),
                 rf"selection {g(31)} .* overlaps an earlier selection with the same code")
    assert len(err.problems) == 1
    # the same overlap by two different coders, or with two codes, is ordinary coding
    sel[1]["codings"] = [(g(41), g(2), g(11))]
    assert len(read_codings(project(tmp_path, selections=sel, name="q.qdpx")).segments) == 2


def test_source_without_pilot_or_date(tmp_path):
    err = raises(project(tmp_path, values={g(20): "utrecht"}),
                 r"pilot 'utrecht' is not one of \['houten', 'nieuwegein'\]")
    assert any("is not a day YYYY-MM-DD" in x for x in err.problems)


def test_csv_problems_are_all_listed_with_their_line(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("segment_id,source_id,pilot,date,coder,code\n"
                 "S1,V1,houten,2020-06-01,A,contact\n"
                 "S1,V1,houten,2020-06-01,A,contact\n"
                 "S2,V1,houten,2020-07-01,A,contact\n"
                 "S3,V2,utrecht,01-06-2020,,contact\n", encoding="utf-8")
    err = raises(p, "line 5, column `coder`: empty")
    text = "\n".join(err.problems)
    assert "line 3: segment 'S1' has code 'contact' from coder 'A' twice" in text
    assert "column `date`: source 'V1' has 2 different values" in text
    assert "pilot 'utrecht'" in text and "'01-06-2020' is not a day" in text


def test_csv_missing_column_and_identifier_column(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("segment_id,source_id,pilot,date,code\nS1,V1,houten,2020-06-01,contact\n", encoding="utf-8")
    raises(p, r"column `coder` is required but missing")
    p.write_text("segment_id,source_id,pilot,date,coder,code,naam\nS1,V1,houten,2020-06-01,A,contact,Jan\n",
                 encoding="utf-8")
    err = raises(p, r"column `naam`: the column name suggests a person's name")
    assert "Jan" not in str(err).replace("Jansen", "")


def test_wrong_type_and_missing_file(tmp_path):
    with pytest.raises(ca.ParameterError, match="must be a path"):
        read_codings(3)
    raises(tmp_path / "nope.qdpx", "file not found")
    p = tmp_path / "x.docx"
    p.write_bytes(b"")
    raises(p, "unsupported file type '.docx'")


def test_parse_qdpx_lists_and_does_not_raise(tmp_path):
    p = tmp_path / "x.qdpx"
    p.write_bytes(io.BytesIO(b"not zip").getvalue())
    assert parse_qdpx(p).problems and parse_qdpx(p).codings.empty


def test_codes_applied_to_a_category_and_crlf_text_from_the_sources_folder(tmp_path):
    text = "Eerst kwam er iemand langs.\r\nDaarna alleen nog beeldbellen."  # CRLF kept in Sources/*.txt
    sel = [{"guid": g(30), "start": 0, "end": 27, "codings": [(g(40), g(1), g(10))]},  # the category itself
           {"guid": g(31), "start": 29, "end": 59, "codings": [(g(41), g(1), g(12))]}]
    c = read_codings(project(tmp_path, selections=sel, text=text, source_path=True))
    s = c.segments.set_index("segment_id")
    assert s.loc[g(30), "code"] == "contact" and s.loc[g(30), "theme"] == "contact"
    assert s.loc[g(31), "excerpt"] == "Daarna alleen nog beeldbellen."


def test_positions_counted_in_utf16_units(tmp_path):
    text = "Fijn 😀 gesprek. Daarna beeldbellen."  # the emoji is one character but two UTF-16 units
    start = text.index("Daarna")
    sel = [{"guid": g(30), "start": start + 1, "end": len(text) + 1, "codings": [(g(40), g(1), g(12))]}]
    c = read_codings(project(tmp_path, selections=sel, text=text), positions="utf-16")
    assert c.segments.loc[0, "excerpt"] == "Daarna beeldbellen."
    sel = [{"guid": g(30), "start": start, "end": len(text), "codings": [(g(40), g(1), g(12))]}]
    assert read_codings(project(tmp_path, selections=sel, text=text, name="q.qdpx")).segments.loc[0, "excerpt"] == \
        "Daarna beeldbellen."
    with pytest.raises(ca.ParameterError, match="`positions` must be one of"):
        read_codings(project(tmp_path, name="r.qdpx"), positions="bytes")
