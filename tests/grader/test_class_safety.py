"""Class grading is safe for course staff: what students name things can neither merge two students' output
folders nor put a formula into the spreadsheets the staff open.

No submission is graded here: the ids are checked on the listing of submissions, the output folders with a
stand-in for the grade process, and the CSVs on output folders written by hand.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

from grader import cli
from grader.authoring.classgrading import batch, submissions
from grader.authoring.classgrading.gradebook import Gradebook, compare, read_csv, read_folder
from grader.authoring.classgrading.submissions import find_students

# ---- ids ----
NAMES = ["Ann Lee.zip", "Ann_Lee.zip", "ann_lee.zip", "Ann_Lee-2.zip", "Ann  Lee.zip", "ann lee/", "ann lee.zip",
         "Ann Lee!.zip", "-Ann_Lee.zip", "gradebook.csv.zip", "report.html.zip", "bob.zip", "carol/"]
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _folder(root: Path, names: list[str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name in names:
        if name.endswith("/"):
            (root / name).mkdir()
            (root / name / "student").mkdir()
        else:
            (root / name).write_bytes(b"PK")
    return root


def _ids(source: Path) -> dict[str, str]:
    """Returns the entry name -> id of each submission in ``source``."""
    return {s.path.name: s.id for s in find_students(source)}


def test_submissions_whose_names_clean_alike_never_share_an_id_even_letter_case_aside(tmp_path):
    ids = _ids(_folder(tmp_path / "subs", NAMES))
    assert len(ids) == len(NAMES)
    assert len({i.lower() for i in ids.values()}) == len(NAMES), ids  # one folder each, on macOS too
    for name, sid in ids.items():
        assert SAFE_ID.fullmatch(sid) and len(sid) <= 100, sid
        assert not sid.lower().endswith((".csv", ".html")), sid  # never the name of a table or the report
    assert ids["bob.zip"] == "bob" and ids["carol"] == "carol"  # a name that clashes with none stays as it is


def test_ids_are_the_same_on_every_run_and_never_move_to_another_submission(tmp_path):
    subs = _folder(tmp_path / "subs", NAMES)
    first = _ids(subs)
    assert _ids(subs) == first
    _folder(subs, ["ANN LEE.zip", "Ann_Lee--x.zip"])  # more students whose names clean alike arrive
    second = _ids(subs)
    owner = {sid: name for name, sid in second.items()}
    for name, sid in first.items():
        assert owner.get(sid, name) == name, f"{sid} was {name}'s and is now {owner[sid]}'s"
    assert all(second[name] == first[name] for name in first if "lee" in name.lower())


def test_ids_stay_unique_where_the_short_hashes_of_two_names_collide(monkeypatch):
    monkeypatch.setattr(submissions, "HASHES", (1, 64))  # one hex digit: 40 names that clean alike collide
    names = [(f"Ann Lee{'!' * n}", f"Ann Lee{'!' * n}.zip") for n in range(40)] + [("Ann_Lee--0", "Ann_Lee--0.zip")]
    ids = submissions.unique_ids(names)
    assert len({i.lower() for i in ids}) == len(names) and all(SAFE_ID.fullmatch(i) for i in ids)
    assert sum(len(i) > 64 for i in ids) > 0  # some got the whole hash


def test_two_gradescope_submissions_of_students_of_the_same_name_keep_their_own_ids(tmp_path):
    export = tmp_path / "export"
    for n in (1, 2):
        (export / f"submission_{n}" / "student").mkdir(parents=True)
    (export / "submission_metadata.yml").write_text("".join(
        f"submission_{n}:\n  :submitters:\n  - :name: Ann Lee\n" for n in (1, 2)))
    students = find_students(export)
    assert [(s.id, s.name) for s in students] == [("submission_1", "Ann Lee"), ("submission_2", "Ann Lee")]


def test_grade_all_gives_each_submission_its_own_output_folder(tmp_path, monkeypatch):
    """A stand-in for ``grade`` writes which submission it graded into the results; each folder holds its own."""
    subs = _folder(tmp_path / "subs", NAMES)
    monkeypatch.setattr(batch.Settings, "command", lambda self, student: [
        sys.executable, "-c", "import json, sys; open(sys.argv[1], 'w').write(json.dumps({'output': sys.argv[2]}))",
        str(self.out / student.id / "results.json"), str(student.path)])
    students = find_students(subs)
    out = tmp_path / "out"
    metas, graded = batch.grade_class(students, batch.Settings(out=out, key="k"), jobs=2)
    assert graded == len(NAMES) and len({m["source"] for m in metas}) == len(NAMES)
    for s in students:
        assert json.loads((out / s.id / "results.json").read_text())["output"] == str(s.path), s.id
    assert len(list(out.glob("*/grading.json"))) == len(NAMES)


# ---- formulas in the CSVs ----
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as the start of a formula (OWASP)
HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "-2", "\tTAB", "\rCR", "'=quoted", "=1+1"]
TEST = "=cmd|' /C calc'!A0"  # a test id (a column of tests.csv, a cell of compare.csv)
PLAIN_TEST = "public/test_linear.py::t1"


def _graded(folder: Path, sid: str, name: str, tests: dict[str, float], module: str = "@SUM(B1)") -> None:
    (folder / sid).mkdir(parents=True)
    entries = [{"name": key, "score": s, "max_score": 2.0, "tags": [module], "extra_data": {"id": key}}
               for key, s in tests.items()]
    (folder / sid / "results.json").write_text(json.dumps({"score": sum(tests.values()), "tests": entries}))
    (folder / sid / "grading.json").write_text(json.dumps({"id": sid, "name": name, "status": "graded",
                                                           "seconds": 1.0, "cpu_s": 1.0}))


def _cells(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as f:
        return [cell for row in csv.reader(f) for cell in row]


def test_a_cell_is_neutralised_exactly_when_a_spreadsheet_would_read_a_formula_and_read_back_as_it_was():
    from grader.authoring.classgrading.gradebook import neutral, plain

    for text in [*HOSTILE, TEST, "", "'", "''-1", "-2.5", "ann", "3.5", "a=b", "'plain"]:
        written = neutral(text)
        assert not written.startswith(FORMULA_START) and plain(written) == text, text
        assert written == (text if not text.lstrip("'").startswith(FORMULA_START) else "'" + text)
    assert plain("-2.5") == "-2.5"  # a table written before the neutralising reads as it did


# id -> (name, the new points of TEST, None where the student is gone); each had 2 + 1 points before
CLASS = {"+1": ('=HYPERLINK("http://x","y")', 2.0), "-2": ("-2", 1.5), "=1+1": ("\rCR", None),
         "@SUM(A1)": ("@SUM(A1)", 0.5), "plain": ("\tTAB", 0.0)}


def test_no_cell_of_the_tables_starts_a_formula_and_compare_reads_them_back_right(tmp_path, capsys):
    old, new, out = tmp_path / "old", tmp_path / "new", tmp_path / "out"
    for sid, (name, points) in CLASS.items():
        _graded(old, sid, name, {TEST: 2.0, PLAIN_TEST: 1.0})
        if points is not None:
            _graded(new, sid, name, {TEST: points, PLAIN_TEST: 1.0})
    _graded(new, "-added", "+3", {TEST: 0.5})
    Gradebook(read_folder(old)).write(old)
    Gradebook(read_folder(new)).write(new)  # a share whose grade-all ended (merge checks)
    assert cli.main(["merge", str(new), "--out", str(out), "--compare", str(old / "gradebook.csv")]) == 0
    for table in (old / "gradebook.csv", old / "tests.csv", out / "gradebook.csv", out / "tests.csv",
                  out / "compare.csv"):
        dangerous = [c for c in _cells(table) if c.startswith(FORMULA_START)]
        assert not dangerous, f"{table.name}: {dangerous}"
    assert "'-2" in _cells(out / "compare.csv") and "'-0.5" in _cells(out / "compare.csv")
    book = read_csv(old / "gradebook.csv")
    assert {sid: row["name"] for sid, row in book.items()} == {sid: name for sid, (name, _) in CLASS.items()}
    assert book["+1"]["@SUM(B1)"] == "3" and book["+1"]["total"] == "3"
    assert read_csv(old / "tests.csv")["-2"][TEST] == "2"
    changes = {c.id: c for c in compare(old / "gradebook.csv", Gradebook(read_folder(new)))}
    assert {sid: c.delta for sid, c in changes.items()} == {"-2": -0.5, "-added": 0.5, "=1+1": -3.0,
                                                            "@SUM(A1)": -1.5, "plain": -2.0}
    assert changes["-2"].tests == ((TEST, 2.0, 1.5),) and changes["-added"].name == "+3"
    rows = read_csv(out / "compare.csv")  # one row each: each moved through one test at most
    assert {sid: (r["change"], r["test"]) for sid, r in rows.items()} == {
        sid: (f"{c.delta:g}", c.tests[0][0] if c.tests else "") for sid, c in changes.items()}
    assert "-2 (-2): 3 -> 2.5 (-0.5) through =cmd" in capsys.readouterr().out
