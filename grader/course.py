"""The course: assignments in the order they are handed out, each a part of the one source (``configs/course.yaml``).

An assignment names its *exercises* (the student files it asks for), the files
it *gives* (earlier assignments' exercises, shipped as reference code, or kept
from the student's own earlier work), its configs and its graded training runs
(by their rubric names). Its tests are those of its exercises' modules
(``test_<stem>*.py``, public and hidden). The course is checked when it is
loaded, and every problem is reported by name: a missing file or config, a file
in two assignments' exercises, a solution file in no assignment, a test file
whose module no assignment asks for, a given file that is not an earlier
exercise, a run the rubric does not define or that two assignments grade.

Without an assignment, every command means the whole course as one assignment
(``whole_course``), as before the course file existed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from grader.contract import CONFIGS, REPO, test_glob
from grader.yamlfile import read_yaml

COURSE = CONFIGS / "course.yaml"
GIVEN = "given"
"""The autograder's folder of reference code for the given files: a submission never replaces these."""
REFERENCE, STUDENT = "reference", "student"
SUITES = ("tests/public", "tests/hidden")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
ALWAYS_SHIPPED_CONFIGS = ("policy.yaml",)


class CourseError(ValueError):
    """The course file is malformed; the message names the assignment and the field at fault."""


@dataclass(frozen=True)
class Assignment:
    """One assignment of the course."""

    name: str
    title: str
    exercises: tuple[str, ...]
    given: tuple[str, ...] = ()
    given_from: str = REFERENCE
    configs: tuple[str, ...] = ()
    training: tuple[str, ...] = ()
    whole: bool = False
    """True for the whole course as one assignment (no course file needed)."""

    def grades_test(self, name: str) -> bool:
        """True when test file ``name`` grades one of this assignment's exercises."""
        return self.whole or any(fnmatch(Path(name).name, test_glob(e)) for e in self.exercises)

    def tests(self, suite: str, repo: Path = REPO) -> list[str]:
        """Returns the test files of ``suite`` (``tests/public``) that grade this assignment's exercises."""
        files = sorted(p.relative_to(repo).as_posix() for p in (repo / suite).glob("test_*.py"))
        return [f for f in files if self.grades_test(f)]

    @property
    def required(self) -> tuple[str, ...]:
        """The files a submission must hold: the exercises, and the given files the student keeps."""
        return self.exercises + (self.given if self.given_from == STUDENT else ())

    @property
    def reference_given(self) -> tuple[str, ...]:
        """The given files graded from the reference, whatever the submission holds."""
        return self.given if self.given_from == REFERENCE else ()

    def shipped_configs(self, repo: Path = REPO) -> list[str]:
        """Returns the config files (relative to ``configs/``) its handout and autograder take."""
        if self.whole:
            return sorted(p.relative_to(repo / "configs").as_posix() for p in (repo / "configs").rglob("*")
                          if p.is_file())
        out = set(ALWAYS_SHIPPED_CONFIGS)
        for entry in self.configs:
            path = repo / "configs" / entry
            out |= ({p.relative_to(repo / "configs").as_posix() for p in path.rglob("*") if p.is_file()}
                    if path.is_dir() else {entry})
        return sorted(out)


@dataclass
class Course:
    """The assignments, in order."""

    path: Path
    assignments: list[Assignment] = field(default_factory=list)

    def get(self, name: str) -> Assignment:
        """Returns the assignment called ``name``; raises CourseError listing the names when there is none."""
        for a in self.assignments:
            if a.name == name:
                return a
        raise CourseError(f"{self.path}: no assignment {name!r}; the course has "
                          + ", ".join(a.name for a in self.assignments))


def solution_files(repo: Path = REPO) -> list[str]:
    """Returns the implementation files of the course (relative to ``solutions/``), ``__init__.py`` left out."""
    root = repo / "solutions"
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py")
                  if p.name != "__init__.py" and "__pycache__" not in p.parts)


def whole_course(repo: Path = REPO) -> Assignment:
    """Returns the whole course as one assignment: every file an exercise, every config, every run."""
    return Assignment(name="course", title="the whole course", exercises=tuple(solution_files(repo)), whole=True)


def _strings(value, where: str, path: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise CourseError(f"{path}: {where} must be a list of names")
    return tuple(value)


def load_course(path: Path = COURSE, repo: Path = REPO, runs: list[str] | None = None) -> Course:
    """Returns the checked course in ``path``; ``runs``: the rubric's training run names (checked when given)."""
    data = read_yaml(path, CourseError, "course")
    if not isinstance(data, dict) or set(data) != {"assignments"} or not isinstance(data["assignments"], list):
        raise CourseError(f"{path}: the course is a mapping with one key, assignments: a list")
    course = Course(path=path)
    exercised: dict[str, str] = {}
    graded_runs: dict[str, str] = {}
    known = set(solution_files(repo))
    keys = {"name", "title", "exercises", "given", "given_from", "configs", "training"}
    for i, item in enumerate(data["assignments"]):
        if not isinstance(item, dict) or "name" not in item:
            raise CourseError(f"{path}: assignments[{i}] must be a mapping with a name")
        name = item["name"]
        where = f"assignment {name!r}"
        if not isinstance(name, str) or not _NAME.match(name):
            raise CourseError(f"{path}: assignments[{i}].name {name!r} must be lowercase letters, digits and '-'")
        if any(a.name == name for a in course.assignments):
            raise CourseError(f"{path}: two assignments are called {name!r}")
        unknown = sorted(set(item) - keys)
        if unknown:
            raise CourseError(f"{path}: {where}: unknown key {unknown[0]!r}; valid keys: {', '.join(sorted(keys))}")
        exercises = _strings(item.get("exercises"), f"{where}.exercises", path)
        if not exercises:
            raise CourseError(f"{path}: {where} has no exercises")
        for rel in exercises:
            if rel not in known:
                raise CourseError(f"{path}: {where}: exercise {rel} is not a file of solutions/")
            if rel in exercised:
                raise CourseError(f"{path}: {rel} is an exercise of both {exercised[rel]!r} and {name!r}")
            exercised[rel] = name
        earlier = {rel for a in course.assignments for rel in a.exercises}
        given = item.get("given", "earlier")
        given = tuple(sorted(earlier)) if given == "earlier" else _strings(given, f"{where}.given", path)
        for rel in given:
            if rel not in earlier:
                raise CourseError(f"{path}: {where}: given file {rel} is not an exercise of an earlier assignment")
        given_from = item.get("given_from", REFERENCE)
        if given_from not in (REFERENCE, STUDENT):
            raise CourseError(f"{path}: {where}.given_from must be {REFERENCE} or {STUDENT}, got {given_from!r}")
        configs = _strings(item.get("configs"), f"{where}.configs", path)
        for entry in configs:
            if not (repo / "configs" / entry).exists():
                raise CourseError(f"{path}: {where}: config {entry} does not exist in configs/")
        training = _strings(item.get("training"), f"{where}.training", path)
        for run in training:
            if runs is not None and run not in runs:
                raise CourseError(f"{path}: {where}: training run {run!r} is not in the rubric "
                                  f"(it has {', '.join(runs)})")
            if run in graded_runs:
                raise CourseError(f"{path}: training run {run!r} is graded by both {graded_runs[run]!r} and {name!r}")
            graded_runs[run] = name
        course.assignments.append(Assignment(name=name, title=str(item.get("title") or name), exercises=exercises,
                                             given=given, given_from=given_from, configs=configs,
                                             training=training))
    missing = sorted(known - set(exercised))
    if missing:
        raise CourseError(f"{path}: {missing[0]} is an exercise of no assignment")
    for suite in SUITES:
        for test in sorted((repo / suite).glob("test_*.py")):
            if not any(fnmatch(test.name, test_glob(rel)) for rel in known):
                raise CourseError(f"{path}: {suite}/{test.name} grades no module of the course")
    return course


def assignment(name: str | None, repo: Path = REPO, runs: list[str] | None = None) -> Assignment:
    """Returns the assignment ``name`` of the course, or the whole course when ``name`` is None."""
    if name is None:
        return whole_course(repo)
    return load_course(repo / "configs" / "course.yaml", repo, runs).get(name)


def given_code(task: Assignment | None, repo: Path = REPO) -> dict[str, bytes]:
    """Returns the reference code a grade puts over the submission: ``given/`` of an autograder, or the
    solutions of ``task``'s given files in the repository."""
    folder = repo / GIVEN
    if folder.is_dir():
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.py"))}
    if task is None:
        return {}
    return {rel: (repo / "solutions" / rel).read_bytes() for rel in task.reference_given}
