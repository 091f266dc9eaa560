"""The TA's term: reweighting a graded class in seconds, exports an LMS takes, a page per student.

The graded class is two submissions (the solutions, and the solutions with a
bug in pooling) graded on one test file; it is graded twice (once as it was,
once under new weights, to compare a reweighting with a real regrade). Every
other test writes its output folders by hand or grades with a stand-in for the
grade process: no submission is graded there.
"""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import cli
from grader.authoring.classgrading import batch
from grader.authoring.classgrading.gradebook import Gradebook, compare, read_csv, read_folder, read_rows
from grader.authoring.classgrading.submissions import find_students
from grader.contract import REPO, SOLUTIONS
from grader.grading.recorder import declared_points
from tests.grader.test_class import BUGS, _zip

POOL = "tests/public/test_pool.py"
RUBRIC = f"suites:\n  pool: {{path: {POOL}, details: true}}\nsandbox: {{call_timeout_s: 20, budget_s: 300}}\n"
HEAVIER = "public/test_pool.py::test_maxpool2d_backward*"  # three tests, one of which the bug fails
WEIGHTS = f'weights:\n  "{HEAVIER}": 4\n'
NOWHERE = "public/test_pool.py::test_that_does_not_exist*"


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=600)


def _rubric(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """(submissions, rubric, heavier rubric, the class graded, the class regraded under the heavier rubric)."""
    root = tmp_path_factory.mktemp("term")
    subs = root / "subs"
    subs.mkdir()
    _zip(SOLUTIONS, subs / "good.zip")
    _zip(SOLUTIONS, subs / "broken_pool.zip", BUGS["broken_pool"])
    rubric, heavier = _rubric(root / "rubric.yaml", RUBRIC), _rubric(root / "heavier.yaml", RUBRIC + WEIGHTS)
    for out, which in ((root / "out", rubric), (root / "regraded", heavier)):
        proc = _run("grade-all", subs, "--out", out, "--rubric", which, "--jobs", 2, "--no-similarity")
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return subs, rubric, heavier, root / "out", root / "regraded"


def _results(folder: Path) -> dict:
    """Returns id -> results.json of the class in ``folder``, less what differs between two grades of the same code
    (the time and the staff's facts)."""
    out = {}
    for path in sorted(folder.glob("*/results.json")):
        data = json.loads(path.read_text())
        out[path.parent.name] = {k: v for k, v in data.items() if k not in ("execution_time", "extra_data")}
    return out


def test_reweight_gives_what_a_regrade_gives_from_the_recorded_outcomes(graded, tmp_path):
    _, rubric, heavier, out, regraded = graded
    logs = {p: p.read_bytes() for p in out.glob("*/grade.log")}
    new = tmp_path / "reweighted"
    proc = _run("reweight", out, "--rubric", heavier, "--out", new, "--compare", out / "gradebook.csv")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 submissions, 2 with new points" in proc.stdout and "no code ran" in proc.stdout
    assert _results(new) == _results(regraded)  # scores, maximums, the summary's total and table
    assert (new / "tests.csv").read_text() == (regraded / "tests.csv").read_text()
    assert read_csv(new / "gradebook.csv")["good"]["total"] == "30"  # 21 tests; three of them now 4 points each
    assert {p: p.read_bytes() for p in out.glob("*/grade.log")} == logs  # the graded folder is as it was
    changes = read_csv(new / "compare.csv")
    assert {sid: (row["status"], row["change"]) for sid, row in changes.items()} == {
        "good": ("graded", "9"), "broken_pool": ("graded", "6")}
    back = tmp_path / "back"  # and back: the tests' own @weight, collected, where no pattern matches any more
    assert _run("reweight", new, "--rubric", rubric, "--out", back).returncode == 0
    assert _results(back) == _results(out)


def test_grade_all_reweights_when_only_the_weights_changed_and_grades_nothing_again(graded, tmp_path):
    subs, _, heavier, out, regraded = graded
    again = tmp_path / "again"
    shutil.copytree(out, again)
    logs = {p.relative_to(again): p.stat().st_mtime_ns for p in again.glob("*/grade.log")}
    proc = _run("grade-all", subs, "--out", again, "--rubric", heavier, "--jobs", 2, "--no-similarity")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 already graded, 0 to grade" in proc.stdout and "reweighted from their recorded outcomes" in proc.stdout
    assert {p.relative_to(again): p.stat().st_mtime_ns for p in again.glob("*/grade.log")} == logs
    assert _results(again) == _results(regraded)
    assert (again / "tests.csv").read_text() == (regraded / "tests.csv").read_text()


def test_a_weights_pattern_that_matches_no_test_is_an_error_naming_it(graded, tmp_path):
    subs, _, _, out, _ = graded
    wrong = _rubric(tmp_path / "wrong.yaml", RUBRIC + f'weights:\n  "{HEAVIER}": 2\n  "{NOWHERE}": 3\n')
    before = _results(out)
    for args in (("grade-all", subs, "--out", tmp_path / "none", "--rubric", wrong, "--no-similarity"),
                 ("reweight", out, "--rubric", wrong)):
        proc = _run(*args)
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        assert proc.returncode != 0 and len(lines) == 1 and NOWHERE in lines[0], lines
        assert HEAVIER not in lines[0]  # only the pattern at fault is named
    assert not list((tmp_path / "none").glob("*/results.json")) and _results(out) == before


def _course_rubric(path: Path, extra: str) -> Path:
    """Returns the course's rubric with ``extra`` appended, its configs named by absolute paths."""
    text = (REPO / "configs" / "rubric.yaml").read_text()
    text = "\n".join(line.replace("config: ", f"config: {REPO / 'configs'}/", 1) if line.strip().startswith(
        "config:") else line for line in text.splitlines())
    return _rubric(path, text + "\n" + extra)


def _course_public_points(stdout: str) -> float:
    row = next(line for line in stdout.splitlines() if line.startswith("whole course"))
    return float(row.split()[2])


def test_assignments_counts_the_rubric_weights_and_names_a_pattern_that_matches_nothing(tmp_path):
    public = [declared_points(path) for path in sorted((REPO / "tests" / "public").glob("test_*.py"))]
    pool, exact = declared_points(REPO / POOL)
    assert exact and pool > 0 and all(e for _, e in public)  # the @weight of every public test, read exactly
    free = _run("assignments", "--rubric", _course_rubric(tmp_path / "free.yaml",
                                                          'weights:\n  "public/test_pool.py::*": 0\n'))
    assert free.returncode == 0, free.stdout + free.stderr
    assert _course_public_points(free.stdout) == sum(p for p, _ in public) - pool
    wrong = _run("assignments", "--rubric", _course_rubric(tmp_path / "wrong.yaml", f'weights:\n  "{NOWHERE}": 1\n'))
    lines = (wrong.stdout + wrong.stderr).strip().splitlines()
    assert wrong.returncode != 0 and len(lines) == 1 and NOWHERE in lines[0], lines


BROKEN = "suites:\n  pool: {path: tests/public/test_pool.py}\nweights: 3\n"  # weights must be a mapping


@pytest.mark.parametrize("command", [
    ["grade", "solutions", "--results", "{tmp}/r.json"], ["demo", "--results", "{tmp}/r.json"],
    ["grade-all", "{tmp}", "--out", "{tmp}/out"], ["reweight", "{tmp}"], ["assignments"]],
    ids=lambda c: c[0])
def test_every_command_says_a_broken_rubric_in_one_line(command, tmp_path):
    broken = _rubric(tmp_path / "broken.yaml", BROKEN)
    proc = _run(*[a.format(tmp=tmp_path) for a in command], "--rubric", broken)
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    said = f"{command[0]}: {broken}: weights must map test id patterns to points"
    assert proc.returncode != 0 and len(lines) == 1 and lines[0].startswith(said), lines
    if command[0] == "grade":  # which writes results whatever happens
        assert json.loads((tmp_path / "r.json").read_text())["score"] == 0


def test_build_says_a_broken_rubric_in_one_line(tmp_path, monkeypatch, capsys):
    from grader.grading import rubric

    monkeypatch.setattr(rubric, "DEFAULT_RUBRIC", _rubric(tmp_path / "broken.yaml", BROKEN))
    assert cli.main(["build", "handout", "--out", str(tmp_path / "handout.zip")]) != 0
    captured = capsys.readouterr()
    assert (captured.out + captured.err).strip().splitlines() == [
        f"build handout: {tmp_path / 'broken.yaml'}: weights must map test id patterns to points"]
    assert not (tmp_path / "handout.zip").exists()


# ---- exports ----
METADATA = """\
submission_1:
  :submitters:
  - :name: Ada Lovelace
    :sid: '1815'
    :email: ada@example.edu
  :created_at: 2026-11-30 23:59:00.000000000 -08:00
  :assignment:
    :due_date: 2026-11-30 23:00:00.000000000 -08:00
submission_2:
  :submitters:
  - :name: Alan Turing
    :sid: '1912'
    :email: alan@example.edu
  - :name: Grace Hopper
    :sid: '1906'
    :email: grace@example.edu
    :assignment:
      :due_date: 2026-12-02 23:00:00.000000000 -08:00
  :created_at: 2026-12-01 10:00:00.000000000 -08:00
  :assignment:
    :due_date: 2026-11-30 23:00:00.000000000 -08:00
submission_3:
  :submitters:
  - :name: Edsger Dijkstra
    :sid: '1930'
"""
TESTS = {"public/test_pool.py::t1": ("pool: first", 1.0), "public/test_pool.py::t2": ("pool: second", 2.0)}


def _export(root: Path) -> Path:
    for n in (1, 2, 3):
        (root / f"submission_{n}" / "student").mkdir(parents=True)
        (root / f"submission_{n}" / "student" / f"{n}.py").write_text(f"x = {n}\n")
    (root / "submission_metadata.yml").write_text(METADATA)
    return root


def _stand_in(scores: dict[str, dict[str, float]], status: dict[str, int]):
    """Returns a Settings.command that writes results with ``scores[id]`` (test id -> points) and exits with
    ``status[id]`` (2: not graded), in place of grading."""
    def command(self, student):
        tests = [{"name": TESTS[k][0], "score": scores[student.id][k], "max_score": TESTS[k][1],
                  "status": "passed" if scores[student.id][k] == TESTS[k][1] else "failed", "output": "",
                  "tags": ["pool", "public"], "number": f"1.{i}", "extra_data": {"id": k}}
                 for i, k in enumerate(TESTS, start=1)]
        doc = {"score": sum(t["score"] for t in tests), "output": "", "tests": tests}
        code = (f"import json, sys; open(sys.argv[1], 'w').write(sys.argv[2]); sys.exit({status.get(student.id, 0)})")
        return [sys.executable, "-c", code, str(self.out / student.id / "results.json"), json.dumps(doc)]
    return command


def _rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_an_export_gives_a_row_per_student_with_sid_email_time_lateness_and_lms_uploads(tmp_path, monkeypatch):
    from grader.authoring.classgrading import publish

    students = find_students(_export(tmp_path / "export"))
    assert [(s.submitted, s.due) for s in students] == [
        ("2026-11-30T23:59:00-08:00", "2026-11-30T23:00:00-08:00"),
        ("2026-12-01T10:00:00-08:00", "2026-12-02T23:00:00-08:00"),  # a member's extension is the group's
        ("", "")]
    scores = {"submission_1": {"public/test_pool.py::t1": 1.0, "public/test_pool.py::t2": 1.0},
              "submission_2": {"public/test_pool.py::t1": 1.0, "public/test_pool.py::t2": 2.0},
              "submission_3": {"public/test_pool.py::t1": 0.0, "public/test_pool.py::t2": 0.0}}
    monkeypatch.setattr(batch.Settings, "command", _stand_in(scores, {"submission_3": 2}))
    out = tmp_path / "out"
    batch.grade_class(students, batch.Settings(out=out, key="k"), jobs=2)
    assert publish.finish(out, Gradebook(read_folder(out)), None, "test", ["canvas", "gradescope"]) == 1
    book = read_rows(out / "gradebook.csv")
    assert [(r["id"], r["name"], r["sid"], r["email"], r["total"], r["status"], r["hours late"]) for r in book] == [
        ("(maximum points)", "", "", "", "3", "", ""),
        ("submission_1", "Ada Lovelace", "1815", "ada@example.edu", "2", "graded", "0.98"),
        ("submission_2", "Alan Turing", "1912", "alan@example.edu", "3", "graded", "0"),
        ("submission_2", "Grace Hopper", "1906", "grace@example.edu", "3", "graded", "0"),
        ("submission_3", "Edsger Dijkstra", "1930", "", "", "not graded", "")]
    assert book[1]["submitted"] == "2026-11-30T23:59:00-08:00" and book[1]["due"] == "2026-11-30T23:00:00-08:00"
    assert _rows(out / "canvas.csv") == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Autograder"],
        ["Points Possible", "", "", "", "", "3"],
        ["Ada Lovelace", "", "1815", "", "", "2"], ["Alan Turing", "", "1912", "", "", "3"],
        ["Grace Hopper", "", "1906", "", "", "3"]]  # the submission not graded is left out: no blank upload
    assert _rows(out / "gradescope.csv") == [
        ["Name", "SID", "Email", "Score"], ["Ada Lovelace", "1815", "ada@example.edu", "2"],
        ["Alan Turing", "1912", "alan@example.edu", "3"], ["Grace Hopper", "1906", "grace@example.edu", "3"]]
    tests = _rows(out / "tests.csv")
    assert tests[:3] == [["id", *TESTS], ["(test name)", "pool: first", "pool: second"], ["(maximum points)", "1", "2"]]
    assert sorted(read_csv(out / "tests.csv")) == ["submission_1", "submission_2", "submission_3"]
    assert set(cli.FORMATS) == set(publish.UPLOADS)


def test_compare_says_the_status_of_each_student_whose_total_moved(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    for folder, who in ((old, {"same": 1.0, "moved": 1.0, "gone": 1.0, "lost": 1.0}),
                        (new, {"same": 1.0, "moved": 2.0, "added": 1.0, "lost": 1.0})):
        for sid, score in who.items():
            _write(folder, sid, {"public/test_pool.py::t2": score}, status="not graded" if
                   (folder, sid) == (new, "lost") else "graded")
    Gradebook(read_folder(old)).write(old)
    changes = {c.id: c.status for c in compare(old / "gradebook.csv", Gradebook(read_folder(new)))}
    assert changes == {"moved": "graded", "gone": "gone", "added": "new", "lost": "not graded"}
    assert cli.main(["reweight", str(new), "--rubric", str(_rubric(tmp_path / "r.yaml", RUBRIC)),
                     "--compare", str(old / "gradebook.csv")]) == 1  # one submission is not graded
    rows = read_csv(new / "compare.csv")
    assert {sid: row["status"] for sid, row in rows.items()} == changes


# ---- a page per student ----
HOSTILE = '<script>alert("x")</script>'


def _write(folder: Path, sid: str, scores: dict[str, float], status: str = "graded", name: str = "",
           fault: str | None = None, output: str = "", module: str = "pool") -> None:
    (folder / sid).mkdir(parents=True)
    tests = [{"name": f"{module}: {key}", "score": s, "max_score": 2.0, "status": "passed" if s == 2 else "failed",
              "output": output, "tags": [module, "public"], "number": "1.1",
              "extra_data": {"id": key, **({"fault": fault} if fault else {})}} for key, s in scores.items()]
    summary = f"**Total: {sum(scores.values()):g}/{2 * len(scores):g} points**\n\n{output}"
    (folder / sid / "results.json").write_text(json.dumps(
        {"score": sum(scores.values()), "output": summary, "output_format": "md", "tests": tests}))
    (folder / sid / "grading.json").write_text(json.dumps({"id": sid, "name": name, "status": status,
                                                           "seconds": 1.0, "cpu_s": 1.0, "weights": {}}))


def test_each_student_gets_a_page_escaped_and_linked_and_the_report_shows_faults_and_failures_apart(tmp_path):
    from grader.authoring.classgrading import publish

    out = tmp_path / "out"
    _write(out, "ann", {"public/test_pool.py::t1": 2.0, "public/test_linear.py::t1": 1.0}, name=HOSTILE,
           output=f"{HOSTILE}\n| a | b |\n**bold** <img src=x onerror=alert(1)>")
    _write(out, "bob", {"public/test_pool.py::t1": 0.0}, module="linear")
    _write(out, "cat", {"public/test_pool.py::t1": 0.0}, status="not graded",
           fault=f"the worker died {HOSTILE}")
    assert publish.finish(out, Gradebook(read_folder(out)), None, "test") == 1
    page = (out / "ann" / "feedback.html").read_text()
    assert "<script>" not in page and "<img" not in page and "&lt;script&gt;" in page
    assert "http://" not in page and "https://" not in page  # self-contained
    assert "ann" in page and "Total: 3/4 points" in page and "2/2 points" in page and "1/2 points" in page
    struck = (out / "cat" / "feedback.html").read_text()
    assert "Not graded: a fault of the machine (1)" in struck and "the worker died" not in struck  # staff only
    report = (out / "report.html").read_text()
    assert '<a href="ann/feedback.html">ann</a>' in report and '<a href="bob/feedback.html">bob</a>' in report
    assert "<script>alert" not in report and "&lt;script&gt;alert(" in report
    graded, apart = report.split("Every graded submission", 1)[1].split("<h2>Not graded (1)</h2>", 1)
    assert "cat" not in graded and '<a href="cat/feedback.html">cat</a>' in apart
    assert "Tests not graded: faults of the machine (1)" in apart and "the worker died &lt;script&gt;" in apart
    assert 'alt="Points of each module, graded submissions"' in report


def test_a_late_submission_of_an_export_loses_the_rubric_s_penalty_in_class_grading(tmp_path):
    """grade-all hands each exported submission's times to the grade, so the late policy applies as on Gradescope."""
    export = tmp_path / "export"
    shutil.copytree(REPO / SOLUTIONS, export / "submission_1" / "student", ignore=shutil.ignore_patterns("__pycache__"))
    (export / "submission_metadata.yml").write_text(METADATA.split("submission_2:")[0])
    rubric = _rubric(tmp_path / "rubric.yaml", "suites:\n  public: {path: tests/public/test_pool.py, details: true}\n"
                                               "late: {penalty_percent: 10, per: day}\n")
    done = _run("grade-all", str(export), "--out", str(tmp_path / "out"), "--rubric", str(rubric), "--jobs", "1",
                "--no-similarity")
    assert done.returncode == 0, done.stdout[-2000:]
    row = read_csv(tmp_path / "out" / "gradebook.csv")["submission_1"]
    results = json.loads((tmp_path / "out" / "submission_1" / "results.json").read_text())
    points = sum(t["score"] for t in results["tests"])
    assert points > 0 and float(row["total"]) == pytest.approx(0.9 * points), (row, results["output"][:1000])
    assert "late" in results["output"].lower()
