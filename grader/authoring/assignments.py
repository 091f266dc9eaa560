"""``python -m grader assignments [--names]``: the course table, checked.

One row per assignment of ``configs/course.yaml``: its exercises, the files it
gives, its public and hidden tests with their points (the weight of every
collected test case, as grading counts them), its graded training runs with
their points, and its total. The last row is the course; the assignments' points must add up to the
whole course's (every test and every run graded once), or the command fails.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from grader.contract import REPO
from grader.course import COURSE, SUITES, Assignment, CourseError, load_course, whole_course
from grader.grading.recorder import attribute
from grader.grading.rubric import RubricError, load_rubric


@dataclass
class Row:
    """What one assignment grades."""

    task: Assignment
    tests: dict[str, tuple[int, float]]  # suite -> (files, points)
    runs: dict[str, float]               # run name -> points

    @property
    def points(self) -> float:
        return sum(p for _, p in self.tests.values()) + sum(self.runs.values())


class _Weights:
    """A pytest plugin that adds up the weight of every collected test, per file."""

    def __init__(self) -> None:
        self.points: dict[str, float] = {}

    def pytest_collection_finish(self, session) -> None:
        for item in session.items:
            rel = item.path.relative_to(REPO).as_posix()
            self.points[rel] = self.points.get(rel, 0.0) + float(attribute(item, "__weight__", 0.0) or 0.0)


def collected_points(repo: Path = REPO) -> dict[str, float]:
    """Returns the points of every test file of the suites, as pytest collects them (parametrized cases counted)."""
    import contextlib
    import io

    import pytest

    weights = _Weights()
    with contextlib.redirect_stdout(io.StringIO()):
        code = pytest.main([*(str(repo / s) for s in SUITES), "--collect-only", "-q", "-p", "no:cacheprovider",
                            "--rootdir", str(repo), "-c", str(repo / "pyproject.toml")], plugins=[weights])
    if code != 0:
        raise CourseError(f"the suites could not be collected (pytest status {code}): run pytest --collect-only")
    return weights.points


def row(task: Assignment, run_points: dict[str, float], points: dict[str, float], repo: Path = REPO) -> Row:
    """Returns the points ``task`` grades: its tests' points per suite, and its runs'."""
    tests = {}
    for suite in SUITES:
        files = task.tests(suite, repo)
        tests[suite] = (len(files), sum(points.get(f, 0.0) for f in files))
    runs = {name: p for name, p in run_points.items() if task.whole or name in task.training}
    return Row(task, tests, runs)


def table(repo: Path = REPO) -> tuple[list[Row], Row]:
    """Returns the row of every assignment and the row of the whole course."""
    rubric = load_rubric(repo / "configs" / "rubric.yaml")
    run_points = {r.name: r.points for r in rubric.training}
    course = load_course(repo / "configs" / "course.yaml", repo, list(run_points))
    points = collected_points(repo)
    return ([row(a, run_points, points, repo) for a in course.assignments],
            row(whole_course(repo), run_points, points, repo))


def _files(names: tuple[str, ...]) -> str:
    return ", ".join(Path(n).with_suffix("").as_posix() for n in names) or "-"


def main(args: argparse.Namespace) -> int:
    """``python -m grader assignments [--names]``."""
    try:
        if args.names:
            rubric = load_rubric(REPO / "configs" / "rubric.yaml")
            course = load_course(REPO / "configs" / "course.yaml", REPO, [r.name for r in rubric.training])
            print("\n".join(a.name for a in course.assignments))
            return 0
        rows, whole = table()
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
