"""A whole class at once: grade-all, its gradebook and report, resuming, --compare, shards and merge.

The class: two identical copies of the solutions, the skeleton, and three
submissions each with a different module broken. A small rubric (three public
test files, no training run) keeps every grade to a few seconds; each is still
a full ``grade`` in the sandbox.
"""
from __future__ import annotations

import concurrent.futures
import csv
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.authoring.classgrading import batch
from grader.authoring.classgrading.gradebook import read_csv
from grader.authoring.classgrading.submissions import Student, find_students, shard
from grader.contract import REPO, SOLUTIONS, STUDENT

MODULES = {"activations": "layers/activations.py", "linear": "layers/linear.py", "pool": "layers/pool.py"}
RUBRIC = """\
results: {visibility: visible, stdout_visibility: hidden}
suites:
  activations: {path: tests/public/test_activations.py, details: true}
  linear: {path: tests/public/test_linear.py, details: true}
  pool: {path: tests/public/test_pool.py, details: true}
"""
# one realistic bug per module: (file, text of the solution, the bug)
BUGS = {
    "broken_linear": ("layers/linear.py", "db = np.sum(dout, axis=0)", "db = np.mean(dout, axis=0)"),
    "broken_activations": ("layers/activations.py", "np.where(x > 0, dout, 0.0)", "np.where(x > 0, 1.0, 0.0)"),
    "broken_pool": ("layers/pool.py", "j:j + s * W_out:s] += np.where", "j:j + s * W_out:s] = np.where"),
}
WEIGHTED = "public/test_linear.py::test_linear_forward_matches_hand_computed_values"


def _zip(tree: Path, dest: Path, edit: tuple[str, str, str] | None = None) -> Path:
    with zipfile.ZipFile(dest, "w") as z:
        for path in sorted(tree.rglob("*.py")):
            rel = path.relative_to(tree).as_posix()
            text = path.read_text()
            if edit and rel == edit[0]:
                assert edit[1] in text, f"{edit[1]!r} is not in solutions/{rel}: update the bug"
                text = text.replace(edit[1], edit[2])
            z.writestr(f"student/{rel}", text)
    return dest


def _grade_all(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", "grade-all", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """(submissions folder, rubric, output folder of grade-all --jobs 2, its output)."""
    root = tmp_path_factory.mktemp("class")
    subs = root / "submissions"
    subs.mkdir()
    _zip(SOLUTIONS, subs / "copy_a.zip")
    shutil.copy(subs / "copy_a.zip", subs / "copy_b.zip")
    _zip(STUDENT, subs / "skeleton.zip")
    for name, edit in BUGS.items():
        _zip(SOLUTIONS, subs / f"{name}.zip", edit)
    rubric = root / "rubric.yaml"
    rubric.write_text(RUBRIC)
    out = root / "out"
    proc = _grade_all(subs, "--out", out, "--rubric", rubric, "--jobs", 2)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return subs, rubric, out, proc.stdout + proc.stderr


def _gradebook(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return [{k: v for k, v in row.items() if k != "seconds"} for row in csv.DictReader(f)]


def test_grade_all_totals_equal_separate_grades(klass, tmp_path):
    subs, rubric, out, _ = klass
    book = read_csv(out / "gradebook.csv")
    assert sorted(book) == ["broken_activations", "broken_linear", "broken_pool", "copy_a", "copy_b", "skeleton"]
    zips = sorted(subs.glob("*.zip"))

    def alone(zip_path: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "grader", "grade", str(zip_path), "--rubric", str(rubric),
                               "--results", str(tmp_path / f"{zip_path.stem}.json"), "--quiet"],
                              cwd=REPO, capture_output=True, text=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:  # six separate grades, two at a time
        procs = list(pool.map(alone, zips))
    for zip_path, proc in zip(zips, procs):
        assert proc.returncode == 0, proc.stdout + proc.stderr
        alone = json.loads((tmp_path / f"{zip_path.stem}.json").read_text())
        assert float(book[zip_path.stem]["total"]) == pytest.approx(alone["score"]), zip_path.stem
        assert json.loads((out / zip_path.stem / "results.json").read_text())["score"] == pytest.approx(alone["score"])
    full = float(book["copy_a"]["total"])
    assert full > 0 and float(book["skeleton"]["total"]) == 0
    for name, (rel, _, _) in BUGS.items():  # each bug costs points of its own module only
        module = Path(rel).stem
        assert 0 <= float(book[name][module]) < float(book["copy_a"][module]), name
        others = [m for m in MODULES if m != module]
        assert all(book[name][m] == book["copy_a"][m] for m in others), name
    assert {row["status"] for row in book.values()} == {"graded"}


def test_the_per_test_table_has_one_column_per_test_and_its_points(klass):
    _, _, out, _ = klass
    tests = read_csv(out / "tests.csv")
    book = read_csv(out / "gradebook.csv")
    for sid, row in tests.items():
        assert sum(float(v) for k, v in row.items() if k != "id") == pytest.approx(float(book[sid]["total"]))
    assert WEIGHTED in tests["copy_a"]


def test_a_rerun_grades_nothing_again(klass):
    subs, rubric, out, _ = klass
    before = {p: p.stat().st_mtime_ns for p in out.glob("*/results.json")}
    proc = _grade_all(subs, "--out", out, "--rubric", rubric, "--jobs", 2, "--no-similarity")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "6 already graded, 0 to grade" in proc.stdout
    assert {p: p.stat().st_mtime_ns for p in out.glob("*/results.json")} == before


def test_the_identical_copies_are_the_top_pair_and_the_skeleton_counts_for_nothing(klass):
    _, _, out, _ = klass
    with open(out / "similarity.csv", newline="") as f:
        pairs = list(csv.DictReader(f))
    assert {pairs[0]["a"], pairs[0]["b"]} == {"copy_a", "copy_b"}
    assert float(pairs[0]["similarity"]) == pytest.approx(1.0)
    top = (float(pairs[0]["similarity"]), int(pairs[0]["identical files"]))
    assert all((float(p["similarity"]), int(p["identical files"])) < top for p in pairs[1:])
    assert not [p for p in pairs if "skeleton" in (p["a"], p["b"])]
    assert "copy_a" in (out / "similarity.html").read_text()


def test_compare_after_a_weight_change_lists_exactly_the_students_whose_total_moved(klass, tmp_path):
    subs, rubric, out, _ = klass
    heavier = tmp_path / "rubric.yaml"
    heavier.write_text(rubric.read_text() + f'weights:\n  "{WEIGHTED}": 5\n')
    new_out = tmp_path / "regraded"
    proc = _grade_all(subs, "--out", new_out, "--rubric", heavier, "--jobs", 2, "--no-similarity",
                      "--compare", out / "gradebook.csv")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    old_tests = read_csv(out / "tests.csv")
    expected = sorted(sid for sid, row in old_tests.items() if float(row[WEIGHTED]) > 0)
    assert expected and "skeleton" not in expected
    changes = read_csv(new_out / "compare.csv")
    assert sorted(changes) == expected
    for sid in expected:
        assert changes[sid]["test"] == WEIGHTED
        assert float(changes[sid]["new points"]) == 5
    assert f"{len(expected)} students' totals changed" in proc.stdout
    assert "Changes" in (new_out / "report.html").read_text()


def test_two_shards_merged_give_the_same_gradebook_as_one_run(klass, tmp_path):
    subs, rubric, out, _ = klass
    folders = []
    for i in (1, 2):
        folder = tmp_path / f"shard-{i}"
        # each shard grades one of its submissions now and finds the others graded (same content and rubric)
        mine = [s.id for s in shard(find_students(subs), i, 2)]
        for sid in mine[1:]:
            shutil.copytree(out / sid, folder / sid)
        proc = _grade_all(subs, "--out", folder, "--rubric", rubric, "--jobs", 2, "--shard", f"{i}/2")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert f"shard {i} of 2: 3 submissions" in proc.stdout
        assert "2 already graded, 1 to grade" in proc.stdout
        assert json.loads((folder / mine[0] / "grading.json").read_text())["status"] == "graded"
        folders.append(folder)
    graded = [{p.parent.name for p in folder.glob("*/grading.json")} for folder in folders]
    assert not graded[0] & graded[1] and len(graded[0] | graded[1]) == 6
    merged = tmp_path / "merged"
    proc = subprocess.run([sys.executable, "-m", "grader", "merge", *map(str, folders), "--out", str(merged)],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _gradebook(merged / "gradebook.csv") == _gradebook(out / "gradebook.csv")
    assert (merged / "tests.csv").read_text() == (out / "tests.csv").read_text()


def test_the_shards_cover_the_class_once_whatever_its_size():
    for size in range(0, 12):
        students = [Student(f"s{i:02d}", Path(".")) for i in range(size)]
        for count in (1, 2, 3, 5):
            parts = [shard(students, i, count) for i in range(1, count + 1)]
            ids = [s.id for part in parts for s in part]
            assert sorted(ids) == [s.id for s in students]
            assert max(map(len, parts)) - min(map(len, parts)) <= 1


def test_the_progress_lines_say_done_failed_and_time_left(klass):
    output = klass[3]
    assert "[6/6]" in output and "failed 0" in output and "left" in output
    assert "grade-all: 6 submissions: 6 graded" in output


BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")


def _browser() -> str:
    found = next(filter(None, map(shutil.which, BROWSERS)), None)
    assert found, f"no headless browser ({', '.join(BROWSERS)}): `make setup` installs chromium-headless-shell"
    return found


def test_the_report_opens_in_a_headless_browser_with_every_plot_drawn(klass, tmp_path):
    _, _, out, _ = klass
    page = (out / "report.html").as_uri()
    flags = ["--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([_browser(), *flags, "--dump-dom", page], capture_output=True, text=True, timeout=120).stdout
    drawn = dom.split('data-plots-drawn="', 1)[1].split('"', 1)[0]
    done, total = map(int, drawn.split("/"))
    assert total >= 4 and done == total, drawn  # histogram, modules, hardest tests, slowest: decoded and drawn
    assert "copy_a" in dom and "similarity.html" in dom
    shot = tmp_path / "report.png"
    subprocess.run([_browser(), *flags, f"--screenshot={shot}", "--window-size=1200,900", page],
                   capture_output=True, timeout=120)
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (900, 1200)
    colors = {tuple(p) for p in (pixels[::10, ::10, :3] * 255).astype(int).reshape(-1, 3)}
    assert len(colors) > 20  # plots in colour, not a blank page
    blue = ((pixels[..., 2] > 0.6) & (pixels[..., 0] < 0.4)).sum()
    assert blue > 500  # the histogram's bars


def test_a_submission_that_outlives_its_time_is_killed_and_still_gets_results(tmp_path, monkeypatch):
    settings = batch.Settings(out=tmp_path, key="k", timeout_s=1.0)
    monkeypatch.setattr(batch.Settings, "command", lambda self, student: [sys.executable, "-c",
                        "import subprocess, time; subprocess.Popen(['sleep', '60']); time.sleep(60)"])
    meta = batch.grade_one(Student("slow", tmp_path), settings, "c", batch.Pool())
    assert meta["status"] == "timed out" and meta["seconds"] < 30
    results = json.loads((tmp_path / "slow" / "results.json").read_text())
    assert results["score"] == 0 and "not graded" in results["output"]
    ps = subprocess.run(["pgrep", "-f", "sleep 60"], capture_output=True, text=True).stdout.split()
    assert not ps, "the grade's child process outlived it"


METADATA = """\
submission_101:
  :submitters:
  - :name: Ada Lovelace
    :sid: '1815'
    :email: ada@example.edu
  :created_at: 2026-11-30 23:59:00.000000000 -08:00
  :score: 0.0
  :results: !ruby/hash:ActiveSupport::HashWithIndifferentAccess
    score: 0.0
submission_202:
  :submitters:
  - :name: Alan Turing
    :sid: '1912'
  - :name: Grace Hopper
    :sid: '1906'
"""


def _export(root: Path) -> Path:
    export = root / "assignment_1_export"
    (export / "submission_101" / "student" / "layers").mkdir(parents=True)
    (export / "submission_101" / "student" / "layers" / "linear.py").write_text("x = 1\n")
    (export / "submission_202").mkdir(parents=True)
    _zip(STUDENT, export / "submission_202" / "submission.zip")
    (export / "submission_metadata.yml").write_text(METADATA)
    return export


def test_a_gradescope_export_names_its_students_folder_or_zip(tmp_path):
    export = _export(tmp_path / "unzipped")
    for source, work in ((export, None), (export.parent, None)):
        students = find_students(source, work)
        assert [(s.id, s.name, s.sid) for s in students] == [
            ("submission_101", "Ada Lovelace", "1815"), ("submission_202", "Alan Turing; Grace Hopper", "1912; 1906")]
        assert students[0].path == export / "submission_101"
        assert students[1].path == export / "submission_202" / "submission.zip"  # the upload, graded as a zip
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(export.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(export.parent).as_posix())
    students = find_students(archive, tmp_path / "work")
    assert [s.name for s in students] == ["Ada Lovelace", "Alan Turing; Grace Hopper"]
    assert all((tmp_path / "work") in s.path.parents for s in students)


def test_a_plain_folder_gives_one_submission_per_zip_or_folder_with_safe_unique_ids(tmp_path):
    (tmp_path / "jane doe.zip").write_bytes(b"PK")
    (tmp_path / "jane_doe").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "notes.txt").write_text("not a submission")
    (tmp_path / "bob.zip").write_bytes(b"PK")
    students = find_students(tmp_path)
    ids = {s.path.name: s.id for s in students}
    assert set(ids) == {"jane doe.zip", "jane_doe", "bob.zip"} and ids["bob.zip"] == "bob"
    assert ids["jane doe.zip"] != ids["jane_doe"] and all(ids[n].startswith("jane_doe--") for n in ids if "jane" in n)


def test_emit_writes_the_job_file_of_either_engine_and_grades_nothing(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    _zip(STUDENT, subs / "one.zip")
    for engine, name in (("slurm", "grade-all.slurm"), ("kubernetes", "grade-all-job.yaml")):
        out = tmp_path / engine
        proc = _grade_all(subs, "--out", out, "--emit", engine, "--shards", 4)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        text = (out / name).read_text()
        assert ("--array=1-4" in text) if engine == "slurm" else ("completions: 4" in text)
        assert not list(out.glob("*/results.json")) and not (out / "gradebook.csv").exists()


def _graded(folder: Path, sid: str, name: str, tests: dict[str, tuple[float, float]]) -> None:
    (folder / sid).mkdir(parents=True)
    entries = [{"name": key, "score": s, "max_score": m, "status": "passed", "output": "",
                "tags": [key.split("::")[0].removeprefix("public/test_").removesuffix(".py")],
                "extra_data": {"id": key}} for key, (s, m) in tests.items()]
    (folder / sid / "results.json").write_text(json.dumps({"score": sum(s for s, _ in tests.values()),
                                                           "tests": entries}))
    (folder / sid / "grading.json").write_text(json.dumps({"id": sid, "name": name, "status": "graded",
                                                           "seconds": 1.0, "cpu_s": 1.0}))


def test_compare_names_students_added_removed_or_moved_and_the_tests_that_moved_them(tmp_path):
    from grader.authoring.classgrading.gradebook import Gradebook, compare, read_folder

    a, b = "public/test_linear.py::t1", "public/test_linear.py::t2"
    old, new = tmp_path / "old", tmp_path / "new"
    _graded(old, "same", "", {a: (1, 1), b: (0, 1)})
    _graded(old, "moved", "", {a: (1, 1), b: (0, 1)})
    _graded(old, "gone", "", {a: (1, 1)})
    Gradebook(read_folder(old)).write(old)
    _graded(new, "same", "", {a: (1, 1), b: (0, 1)})
    _graded(new, "moved", "", {a: (1, 1), b: (2, 2)})
    _graded(new, "added", "", {a: (0, 1)})
    changes = {c.id: c for c in compare(old / "gradebook.csv", Gradebook(read_folder(new)))}
    assert sorted(changes) == ["added", "gone", "moved"]
    assert changes["moved"].delta == 2 and changes["moved"].tests == ((b, 0.0, 2.0),)
    assert changes["gone"].new is None and changes["added"].old is None


def test_the_report_escapes_what_students_control(tmp_path):
    from grader.authoring.classgrading.gradebook import Gradebook, read_folder
    from grader.authoring.classgrading.report import write_report

    _graded(tmp_path, "x", "<script>alert(1)</script>", {"public/test_linear.py::t1": (1, 1)})
    page = write_report(tmp_path, Gradebook(read_folder(tmp_path))).read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    assert "http://" not in page and "https://" not in page  # self-contained


def test_the_grading_key_changes_with_the_rubric_the_tests_and_the_assignment_but_not_the_weights(tmp_path):
    from grader.authoring.classgrading.freshness import grading_key

    repo = tmp_path / "repo"
    (repo / "tests" / "public").mkdir(parents=True)
    (repo / "tests" / "public" / "test_x.py").write_text("A = 1\n")
    (repo / "configs").mkdir()
    rubric = repo / "configs" / "rubric.yaml"  # where the course keeps it: among what decides a grade
    rubric.write_text("suites: {}\n")
    key = grading_key(rubric, None, "cpu", repo)
    assert grading_key(rubric, None, "cpu", repo) == key
    assert grading_key(rubric, "one", "cpu", repo) != key
    assert grading_key(rubric, None, "cuda", repo) != key
    (repo / "tests" / "public" / "test_x.py").write_text("A = 2\n")
    changed_test = grading_key(rubric, None, "cpu", repo)
    assert changed_test != key
    rubric.write_text("# a comment\nsuites: {}\nweights: {'public/test_x.py::*': 2}\n")
    assert grading_key(rubric, None, "cpu", repo) == changed_test  # weights are reweighted, not regraded
    rubric.write_text("suites: {}\nsandbox: {budget_s: 100}\n")
    assert grading_key(rubric, None, "cpu", repo) != changed_test
