"""``python -m grader assignments [--names] [--rubric R]``: the course table, checked.

One row per assignment of ``configs/course.yaml``: its exercises, the files it
gives, its public and hidden tests with their points (the points of every
collected test case, as grading counts them: the rubric's ``weights:`` over the
tests' ``@weight``), its graded training runs with their points, and its total.
The last row is the course; the assignments' points must add up to the whole
course's (every test and every run graded once), or the command fails. A
``weights:`` pattern that matches no collected test fails it too, naming the
pattern.

``collected_tests`` lists the tests of the suites as pytest collects them,
without running any: their ids, as results.json records them, and their
``@weight``. Reweighting a class (``classgrading.reweight``) reads it too.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from grader.contract import REPO
from grader.course import COURSE, SUITES, Assignment, CourseError, load_course, whole_course
from grader.grading.recorder import ResultsRecorder, attribute
from grader.grading.rubric import DEFAULT_RUBRIC, Rubric, RubricError, load_rubric


@dataclass
class Row:
    """What one assignment grades."""

    task: Assignment
    tests: dict[str, tuple[int, float]]  # suite -> (files, points)
    runs: dict[str, float]               # run name -> points

    @property
    def points(self) -> float:
        return sum(p for _, p in self.tests.values()) + sum(self.runs.values())


class _Collected:
    """A pytest plugin that keeps the id, file and ``@weight`` of every collected test."""

    def __init__(self) -> None:
        self.tests: dict[str, tuple[str, float]] = {}

    def pytest_collection_finish(self, session) -> None:
        for item in session.items:
            self.tests[ResultsRecorder.entry_name(item.nodeid)] = (
                item.path.relative_to(REPO).as_posix(), float(attribute(item, "__weight__", 0.0) or 0.0))


def collected_tests(targets: list[str] | tuple = SUITES, repo: Path = REPO) -> dict[str, tuple[str, float]]:
    """Returns test id (``public/test_pool.py::test_x[case]``, as results.json records it) -> (its file, relative
    to ``repo``, and its ``@weight``) of every test pytest collects from ``targets`` (paths relative to ``repo``),
    parametrized cases counted; none is run. Raises CourseError when they cannot be collected."""
    import contextlib
    import io

    import pytest

    collected = _Collected()
    with contextlib.redirect_stdout(io.StringIO()):
        code = pytest.main([*(str(repo / t) for t in targets), "--collect-only", "-q", "-p", "no:cacheprovider",
                            "--rootdir", str(repo), "-c", str(repo / "pyproject.toml")], plugins=[collected])
    if code != 0:
        raise CourseError(f"the tests of {', '.join(targets)} could not be collected (pytest status {code}): "
                          "run pytest --collect-only")
    return collected.tests


def unmatched_weights(rubric: Rubric, ids) -> list[str]:
    """Returns the ``weights:`` patterns of ``rubric`` that match none of the test ids ``ids``."""
    ids = list(ids)
    return [p for p in rubric.weights if not any(fnmatchcase(i, p) for i in ids)]


def weights_error(rubric: Rubric, patterns: list[str]) -> RubricError:
    """Returns the error of ``weights:`` patterns that match no test, naming them."""
    more = f" (and {', '.join(map(repr, patterns[1:]))})" if patterns[1:] else ""
    return RubricError(f"{rubric.path}: weights: {patterns[0]!r}{more} matches no test of the suites "
                       "(a pattern is matched against test ids such as public/test_pool.py::test_x[case])")


def collected_points(rubric: Rubric, repo: Path = REPO) -> dict[str, float]:
    """Returns the points of every test file of the suites under ``rubric``'s weights, as grading counts them;
    raises RubricError when a ``weights:`` pattern matches no collected test."""
    tests = collected_tests(SUITES, repo)
    unmatched = unmatched_weights(rubric, tests)
    if unmatched:
        raise weights_error(rubric, unmatched)
    points: dict[str, float] = {}
    for test_id, (rel, declared) in tests.items():
        points[rel] = points.get(rel, 0.0) + rubric.weight_of(test_id, declared)
    return points


def row(task: Assignment, run_points: dict[str, float], points: dict[str, float], repo: Path = REPO) -> Row:
    """Returns the points ``task`` grades: its tests' points per suite, and its runs'."""
    tests = {}
    for suite in SUITES:
        files = task.tests(suite, repo)
        tests[suite] = (len(files), sum(points.get(f, 0.0) for f in files))
    runs = {name: p for name, p in run_points.items() if task.whole or name in task.training}
    return Row(task, tests, runs)


def table(repo: Path = REPO, rubric_path: Path | None = None) -> tuple[list[Row], Row]:
    """Returns the row of every assignment and the row of the whole course under the rubric (default
    ``configs/rubric.yaml``)."""
    rubric = load_rubric(rubric_path or repo / "configs" / "rubric.yaml")
    run_points = {r.name: r.points for r in rubric.training}
    course = load_course(repo / "configs" / "course.yaml", repo, list(run_points))
    points = collected_points(rubric, repo)
    return ([row(a, run_points, points, repo) for a in course.assignments],
            row(whole_course(repo), run_points, points, repo))


def _files(names: tuple[str, ...]) -> str:
    return ", ".join(Path(n).with_suffix("").as_posix() for n in names) or "-"


def main(args: argparse.Namespace) -> int:
    """``python -m grader assignments [--names] [--rubric R]``."""
    rubric_path = Path(getattr(args, "rubric", None) or DEFAULT_RUBRIC)
    try:
        if args.names:
            rubric = load_rubric(rubric_path)
            course = load_course(REPO / "configs" / "course.yaml", REPO, [r.name for r in rubric.training])
            print("\n".join(a.name for a in course.assignments))
            return 0
        rows, whole = table(REPO, rubric_path)
    except (CourseError, RubricError) as exc:
        print(f"assignments: {exc}")
        return 1
    for n, r in enumerate(rows, start=1):
        public, hidden = r.tests["tests/public"], r.tests["tests/hidden"]
        runs = ", ".join(f"{name} ({p:g})" for name, p in r.runs.items()) or "-"
        print(f"{n}. {r.task.name}: {r.task.title}\n"
              f"   exercises ({len(r.task.exercises)}): {_files(r.task.exercises)}\n"
              f"   given ({len(r.task.given)}, from the {r.task.given_from}): {_files(r.task.given)}\n"
              f"   tests: {public[0]} public files ({public[1]:g} points), {hidden[0]} hidden ({hidden[1]:g} points)\n"
              f"   graded runs: {runs}\n"
              f"   total: {r.points:g} points")
    total = sum(r.points for r in rows)
    print(f"\n{'assignment':<20}{'public':>8}{'hidden':>8}{'runs':>8}{'total':>8}")
    for r in rows + [whole]:
        name = "whole course" if r is whole else r.task.name
        print(f"{name:<20}{r.tests['tests/public'][1]:>8g}{r.tests['tests/hidden'][1]:>8g}"
              f"{sum(r.runs.values()):>8g}{r.points:>8g}")
    if abs(total - whole.points) > 1e-9:
        print(f"assignments: the assignments grade {total:g} points but the course has {whole.points:g}: a test or "
              f"run is graded twice or never ({COURSE.relative_to(REPO)})")
        return 1
    print(f"the {len(rows)} assignments add up to the whole course: {total:g} points")
    return 0
