"""The course: assignments from the one source, checked; per-assignment zips, rubric and grading."""
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from grader.authoring.builds import build_autograder, build_handout
from grader.authoring.single_source import release
from grader.course import GIVEN, CourseError, load_course, whole_course
from grader.grading.pipeline import grade
from grader.grading.rubric import load_rubric
from tests.grader.helpers import REPO, submission

COURSE = REPO / "configs" / "course.yaml"
RUNS = [r.name for r in load_rubric().training]


@pytest.fixture(scope="module")
def course():
    return load_course(COURSE, REPO, RUNS)


def test_the_course_has_three_assignments_that_split_the_material(course):
    assert len(course.assignments) >= 3
    exercises = [rel for a in course.assignments for rel in a.exercises]
    assert sorted(exercises) == sorted(whole_course().exercises), "every file is an exercise of exactly one"
    for n, a in enumerate(course.assignments):
        earlier = {rel for b in course.assignments[:n] for rel in b.exercises}
        assert set(a.given) <= earlier
        assert a.tests("tests/public") and a.tests("tests/hidden")


def test_assignments_lists_them_and_their_points_add_up():
    proc = subprocess.run([sys.executable, "-m", "grader", "assignments"], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = dict(re.findall(r"^([\w-]+(?: course)?)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+([\d.]+)$", proc.stdout, re.M))
    whole = float(rows.pop("whole course"))
    assert len(rows) >= 3 and sum(map(float, rows.values())) == whole > 0, proc.stdout
    names = subprocess.run([sys.executable, "-m", "grader", "assignments", "--names"], cwd=REPO,
                           capture_output=True, text=True, timeout=300).stdout.split()
    assert names == list(rows)


def tiny_repo(tmp_path: Path) -> Path:
    """A repository with three solution files, their tests, a config and a rubric-free course file."""
    for rel in ["solutions/layers/a.py", "solutions/layers/b.py", "solutions/models/c.py"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("def f():\n    return 1\n")
    for rel in ["tests/public/test_a.py", "tests/hidden/test_b.py", "tests/public/test_c.py"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "one.yaml").write_text("data: {}\n")
    return tmp_path


GOOD = """\
assignments:
  - name: first
    exercises: [layers/a.py, layers/b.py]
    configs: [one.yaml]
  - name: second
    exercises: [models/c.py]
    given: [layers/a.py]
"""


@pytest.mark.parametrize("change, says", [
    (("layers/b.py]", "layers/b.py, layers/zz.py]"), "exercise layers/zz.py is not a file of solutions/"),
    (("[models/c.py]", "[models/c.py, layers/b.py]"), "layers/b.py is an exercise of both 'first' and 'second'"),
    (("given: [layers/a.py]", "given: [models/c.py]"), "given file models/c.py is not an exercise of an earlier"),
    (("[models/c.py]", "[]"), "assignment 'second' has no exercises"),
    (("configs: [one.yaml]", "configs: [two.yaml]"), "config two.yaml does not exist"),
    (("configs: [one.yaml]", "training: [nowhere]"), "training run 'nowhere' is not in the rubric"),
    (("- name: second", "- name: first"), "two assignments are called 'first'"),
    (("    given: [layers/a.py]", "    given: [layers/a.py]\n    colour: red"), "unknown key 'colour'"),
    (("layers/a.py, layers/b.py]", "layers/a.py]"), "layers/b.py is an exercise of no assignment"),
], ids=["missing-file", "two-assignments", "given-not-earlier", "no-exercises", "missing-config", "unknown-run",
        "duplicate-name", "unknown-key", "file-in-none"])
def test_a_malformed_course_is_reported_by_name(tmp_path, change, says):
    repo = tiny_repo(tmp_path)
    path = repo / "configs" / "course.yaml"
    path.write_text(GOOD)
    assert [a.name for a in load_course(path, repo, runs=["one"]).assignments] == ["first", "second"]
    old, new = change
    assert GOOD.count(old) == 1
    path.write_text(GOOD.replace(old, new))
    with pytest.raises(CourseError, match=re.escape(says)):
        load_course(path, repo, runs=["one"])


def test_a_test_file_of_no_module_is_reported(tmp_path):
    repo = tiny_repo(tmp_path)
    (repo / "tests" / "hidden" / "test_zzz.py").write_text("")
    path = repo / "configs" / "course.yaml"
    path.write_text(GOOD)
    with pytest.raises(CourseError, match=re.escape("tests/hidden/test_zzz.py grades no module of the course")):
        load_course(path, repo)


def names_in(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def test_an_assignment_handout_holds_its_exercises_given_files_and_public_tests_only(course, tmp_path):
    task = course.assignments[1]
    out = build_handout(out=tmp_path / "handout.zip", task=task)  # searched for leaks: a given file may be reference
    names = [n.removeprefix("handout/") for n in names_in(out)]
    student = {n.removeprefix("student/") for n in names if n.startswith("student/")}
    later = {rel for a in course.assignments[2:] for rel in a.exercises}
    assert set(task.exercises) | set(task.given) <= student and not student & later
    assert {n for n in student if not n.endswith("__init__.py")} == set(task.exercises) | set(task.given)
    tests = {n for n in names if n.startswith("tests/")}
    assert not any(n.startswith("tests/hidden") for n in tests)
    assert {n for n in tests if Path(n).name.startswith("test_")} == set(task.tests("tests/public"))
    with zipfile.ZipFile(out) as archive:
        for rel in task.exercises:
            assert "is not implemented yet" in archive.read(f"handout/student/{rel}").decode()
        for rel in task.given:
            text = archive.read(f"handout/student/{rel}").decode()
            assert text == release((REPO / "solutions" / rel).read_text(), rel) and "SOLUTION" not in text
        listed = archive.read("handout/student.files").decode().split()
        readme = archive.read("handout/README.md").decode()
    assert {n for n in listed if not n.startswith("#") and n.endswith(".py") and "__init__" not in n} >= set(
        task.exercises)
    assert readme.startswith(f"# {task.title}") and all(rel in readme for rel in task.exercises)


def test_an_assignment_autograder_holds_its_tests_runs_and_the_reference_of_its_given_files(course, tmp_path):
    task = course.assignments[2]
    out = build_autograder(out=tmp_path / "autograder.zip", task=task)
    names = names_in(out)
    tests = {n for n in names if n.startswith("tests/") and Path(n).name.startswith("test_")}
    assert tests == set(task.tests("tests/public")) | set(task.tests("tests/hidden"))
    assert {n.removeprefix(f"{GIVEN}/") for n in names if n.startswith(f"{GIVEN}/")} == set(task.given)
    with zipfile.ZipFile(out) as archive:
        rubric_text = archive.read("configs/rubric.yaml").decode()
    runs = re.findall(r"^- name: (\S+)", rubric_text, re.M)
    assert runs == list(task.training)


def test_a_submission_cannot_replace_given_code_and_need_not_hold_it(course, tmp_path):
    """Assignment 2's MLP uses the given activations: a submission that breaks them, or leaves them out, is graded
    with the reference."""
    task = course.assignments[1]
    rubric_path = tmp_path / "rubric.yaml"
    rubric_path.write_text(textwrap.dedent("""\
        suites:
          public: {path: tests/public/test_mlp.py, details: true}
        sandbox: {call_timeout_s: 20, budget_s: 300}
        """))
    source = submission(tmp_path, folder="broken", append={"layers/activations.py": "ACTIVATIONS = {}\n"},
                        remove=("layers/linear.py",))
    results = grade(source, tmp_path / "task.json", rubric_path, task=task)
    assert results.max_score > 0 and results.score == results.max_score, [
        (e.name, e.output[:200]) for e in results.entries if not e.passed]
    results = grade(source, tmp_path / "whole.json", rubric_path)
    assert results.score < results.max_score, "without the assignment, the submission's own file is graded"


def test_a_given_file_cannot_be_shadowed_by_a_package_of_its_name(course, tmp_path):
    """A package layers/activations/ is what Python imports in place of the given layers/activations.py: its
    activations (all the identity here) must not reach the graded MLP."""
    task = course.assignments[1]
    assert "layers/activations.py" in task.reference_given
    rubric_path = tmp_path / "rubric.yaml"
    rubric_path.write_text("suites:\n  public: {path: tests/public/test_mlp.py, details: true}\n"
                           "sandbox: {call_timeout_s: 20, budget_s: 300}\n")
    source = submission(tmp_path)
    package = source / "student" / "layers" / "activations"
    package.mkdir()
    (package / "__init__.py").write_text((REPO / "solutions/layers/activations.py").read_text()
                                         + "\nACTIVATIONS = {name: nn.Identity for name in ACTIVATIONS}\n")
    results = grade(source, tmp_path / "task.json", rubric_path, task=task)
    assert results.max_score > 0 and results.score == results.max_score, [
        (e.name, e.output[:200]) for e in results.entries if not e.passed]
