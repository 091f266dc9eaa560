"""The grading rubric (``configs/rubric.yaml``): suites, sandbox limits, graded training runs, and the
submission policies (``late``, ``rate_limit``; off unless present, applied by ``grader.grading.policies``).

Loaded and validated once; every problem is reported with the field that
holds it (``training[1].full must be a number in [0, 1], got 'high'``).
"""
from __future__ import annotations

import dataclasses
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from grader.contract import CONFIGS, REPO
from grader.grading.policies import DAY_WINDOW, PER, TRAINING, LatePolicy, RateLimit
from grader.grading.results import VISIBILITIES
from grader.sandbox import DEFAULT_USER, Limits
from grader.yamlfile import read_yaml

DEFAULT_RUBRIC = CONFIGS / "rubric.yaml"


class RubricError(ValueError):
    """The rubric is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class Suite:
    """A folder (or file) of tests, with how much of a failure its entries show."""

    name: str
    path: str
    visibility: str
    details: bool
    files: tuple[str, ...] = ()
    """When set, the test files of ``path`` to run (one assignment's); else every test under ``path``."""

    @property
    def targets(self) -> list[str]:
        """The paths pytest runs for this suite (relative to the repository)."""
        return list(self.files) or [self.path]


@dataclass(frozen=True)
class TrainingRun:
    """One graded training run: a config trained by the student's code, scored on held-out labels.

    Accuracy at or above ``full`` earns ``points``, at or below ``zero`` earns
    nothing, linearly in between. ``leaderboard`` names the leaderboard column
    that receives the accuracy.
    """

    name: str
    config: Path
    points: float
    full: float
    zero: float
    time_limit_s: float
    from_submission: bool = False
    leaderboard: str | None = None

    def points_for(self, accuracy: float) -> float:
        """Returns the points earned by ``accuracy``."""
        if self.points == 0 or accuracy >= self.full:
            return self.points
        if accuracy <= self.zero:
            return 0.0
        return self.points * (accuracy - self.zero) / (self.full - self.zero)


@dataclass
class Rubric:
    """Everything the grade command takes from the rubric file."""

    path: Path
    suites: list[Suite]
    limits: Limits
    user: str = DEFAULT_USER
    visibility: str = "visible"
    stdout_visibility: str = "hidden"
    training: list[TrainingRun] = field(default_factory=list)
    training_memory_mb: int | None = None
    weights: dict[str, float] = field(default_factory=dict)
    """Test id pattern (``public/test_linear.py::test_x*``, shell-style) -> the points of each matching test,
    instead of its ``@weight``: the first pattern that matches decides. A rubric can so be tried on graded
    submissions without editing a test."""
    late: LatePolicy | None = None
    """The late penalty (with late days); None: lateness costs nothing."""
    rate_limit: RateLimit | None = None
    """The allowance of submissions with full feedback; None: every submission gets it."""

    def weight_of(self, test_id: str, declared: float) -> float:
        """Returns the points of test ``test_id`` (its id without ``tests/``) whose ``@weight`` is ``declared``."""
        for pattern, points in self.weights.items():
            if fnmatch.fnmatchcase(test_id, pattern):
                return points
        return declared

    def for_assignment(self, task, root: Path = REPO) -> "Rubric":
        """Returns this rubric restricted to assignment ``task``: its tests in every suite, its training runs."""
        if task.whole:
            return self
        suites = []
        for suite in self.suites:
            base = root / suite.path
            tests = sorted(base.rglob("test_*.py")) if base.is_dir() else [base]
            files = tuple(t.relative_to(root).as_posix() for t in tests if task.grades_test(t.name))
            if files:
                suites.append(dataclasses.replace(suite, files=files))
        return dataclasses.replace(self, suites=suites, training=[r for r in self.training if r.name in task.training])

    def suite_of(self, path: Path, root: Path = REPO) -> Suite | None:
        """Returns the suite that test file ``path`` belongs to, if any."""
        for suite in self.suites:
            base = (root / suite.path).resolve()
            if path.resolve() == base or base in path.resolve().parents:
                return suite
        return None


class _Fields:
    """Reads one mapping of the rubric, naming every problem by its dotted field."""

    def __init__(self, data: Any, where: str, source: Path, valid: dict[str, str]):
        self.where, self.source = where, source
        if not isinstance(data, dict):
            self.fail(f"{where or 'the rubric'} must be a mapping, got {type(data).__name__}")
        unknown = sorted(set(data) - set(valid))
        if unknown:
            self.fail(f"unknown key {self._name(unknown[0])!r}; valid keys: {', '.join(valid)}")
        self.data = data

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def fail(self, message: str) -> None:
        raise RubricError(f"{self.source}: {message}")

    def get(self, key: str, kind: type | tuple, default: Any = ..., check=None, rule: str = "") -> Any:
        if key not in self.data:
            if default is ...:
                self.fail(f"{self._name(key)} is required")
            return default
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if ok and check is not None:
            ok = check(value)
        if not ok:
            self.fail(f"{self._name(key)} must be {rule or kinds[0].__name__}, got {value!r}")
        return value


def _positive(v: float) -> bool:
    return v > 0


def _visibility(fields: _Fields, key: str, default: str) -> str:
    return fields.get(key, str, default, lambda v: v in VISIBILITIES, f"one of {', '.join(VISIBILITIES)}")


def _limits(data: Any, source: Path) -> tuple[Limits, str, int | None]:
    defaults = Limits()
    f = _Fields(data, "sandbox", source, {
        "call_timeout_s": "", "budget_s": "", "memory_mb": "", "training_memory_mb": "", "cpu_s": "",
        "processes": "", "file_size_mb": "", "space_mb": "", "output_kb": "", "restart_above_mb": "", "user": ""})
    number, count = "a number > 0", "an integer > 0"
    limits = Limits(
        call_timeout_s=f.get("call_timeout_s", (int, float), defaults.call_timeout_s, _positive, number),
        budget_s=f.get("budget_s", (int, float), defaults.budget_s, _positive, number),
        memory_mb=f.get("memory_mb", (int, type(None)), defaults.memory_mb, lambda v: v is None or v >= 256,
                        "an integer >= 256 (MB) or null for no limit"),
        cpu_s=f.get("cpu_s", int, defaults.cpu_s, _positive, count),
        processes=f.get("processes", int, defaults.processes, _positive, count),
        file_size_mb=f.get("file_size_mb", int, defaults.file_size_mb, _positive, count),
        space_mb=f.get("space_mb", int, defaults.space_mb, _positive, count),
        output_kb=f.get("output_kb", int, defaults.output_kb, _positive, count),
        restart_above_mb=f.get("restart_above_mb", (int, type(None)), defaults.restart_above_mb,
                               lambda v: v is None or v > 0, "an integer > 0 (MB) or null for never"),
    )
    training_memory = f.get("training_memory_mb", (int, type(None)), limits.memory_mb,
                            lambda v: v is None or v >= 256, "an integer >= 256 (MB) or null for no limit")
    user = f.get("user", str, DEFAULT_USER, lambda v: v.isidentifier() or "-" in v, "a user name")
    return limits, user, training_memory


def _suites(data: Any, source: Path) -> list[Suite]:
    if not isinstance(data, dict) or not data:
        raise RubricError(f"{source}: suites must map suite names to their settings")
    suites = []
    for name, settings in data.items():
        f = _Fields(settings, f"suites.{name}", source, {"path": "", "visibility": "", "details": ""})
        path = f.get("path", str)
        if not (REPO / path).exists():
            f.fail(f"suites.{name}.path: {path} does not exist (relative to {REPO})")
        suites.append(Suite(name=str(name), path=path, visibility=_visibility(f, "visibility", "visible"),
                            details=f.get("details", bool, False)))
    return suites


def _training(data: Any, source: Path) -> list[TrainingRun]:
    if data is None:
        return []
    if not isinstance(data, list):
        raise RubricError(f"{source}: training must be a list of runs")
    runs, names = [], set()
    for i, item in enumerate(data):
        f = _Fields(item, f"training[{i}]", source, {
            "name": "", "config": "", "points": "", "full": "", "zero": "", "time_limit_s": "",
            "from_submission": "", "leaderboard": ""})
        name = f.get("name", str, ..., lambda v: v and "/" not in v, "a name without '/'")
        if name in names:
            f.fail(f"training[{i}].name {name!r} is used twice")
        names.add(name)
        config = (source.parent / f.get("config", str)).resolve()
        if not config.is_file():
            f.fail(f"training[{i}].config: {config} does not exist")
        fraction = "a number in [0, 1]"
        run = TrainingRun(
            name=name, config=config,
            points=float(f.get("points", (int, float), ..., lambda v: v >= 0, "a number >= 0")),
            full=float(f.get("full", (int, float), 1.0, lambda v: 0 <= v <= 1, fraction)),
            zero=float(f.get("zero", (int, float), 0.0, lambda v: 0 <= v <= 1, fraction)),
            time_limit_s=float(f.get("time_limit_s", (int, float), 120, _positive, "a number > 0")),
            from_submission=f.get("from_submission", bool, False),
            leaderboard=f.get("leaderboard", (str, type(None)), None),
        )
        if run.points > 0 and not run.zero < run.full:
            f.fail(f"training[{i}]: zero ({run.zero}) must be below full ({run.full})")
        runs.append(run)
    return runs


def _weights(data: Any, source: Path) -> dict[str, float]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RubricError(f"{source}: weights must map test id patterns to points")
    out = {}
    for pattern, points in data.items():
        if not isinstance(pattern, str) or not pattern:
            raise RubricError(f"{source}: weights: {pattern!r} is not a test id pattern")
        if isinstance(points, bool) or not isinstance(points, (int, float)) or not points >= 0:
            raise RubricError(f"{source}: weights.{pattern} must be a number >= 0, got {points!r}")
        out[pattern] = float(points)
    return out


def _late(data: Any, source: Path) -> LatePolicy | None:
    if data is None:
        return None
    f = _Fields(data, "late", source, {"penalty_percent": "", "per": "", "late_days": "", "max_percent": "",
                                       "grace_minutes": ""})
    percent, positive = "a number in (0, 100]", "a number >= 0"
    return LatePolicy(
        penalty_percent=float(f.get("penalty_percent", (int, float), ..., lambda v: 0 < v <= 100, percent)),
        per=f.get("per", str, "day", lambda v: v in PER, f"one of {', '.join(PER)}"),
        late_days=float(f.get("late_days", (int, float), 0, lambda v: v >= 0, positive)),
        max_percent=float(f.get("max_percent", (int, float), 100, lambda v: 0 < v <= 100, percent)),
        grace_minutes=float(f.get("grace_minutes", (int, float), 0, lambda v: v >= 0, positive)),
    )


def _zone(name: str | None) -> bool:
    try:
        return name is None or ZoneInfo(name) is not None
    except (ValueError, ZoneInfoNotFoundError):
        return False


def _rate_limit(data: Any, source: Path, suites: list[Suite]) -> RateLimit | None:
    if data is None:
        return None
    f = _Fields(data, "rate_limit", source, {"submissions": "", "window": "", "timezone": "", "show": ""})
    window = f.get("window", (str, int, float), DAY_WINDOW, lambda v: v == DAY_WINDOW if isinstance(v, str) else v > 0,
                   f"{DAY_WINDOW!r} or a number of hours > 0")
    show = f.get("show", list, [], lambda v: all(isinstance(s, str) for s in v), "a list of suite names")
    names = [s.name for s in suites] + [TRAINING]
    for name in show:
        if name not in names:
            f.fail(f"rate_limit.show: {name!r} is not a suite; valid names: {', '.join(names)}")
    return RateLimit(submissions=f.get("submissions", int, ..., _positive, "an integer > 0"),
                     window=window if isinstance(window, str) else float(window),
                     timezone=f.get("timezone", (str, type(None)), None, _zone, "a time zone such as Europe/Paris"),
                     show=tuple(show))


def load_rubric(path: Path | str = DEFAULT_RUBRIC) -> Rubric:
    """Returns the validated rubric in ``path``; raises RubricError naming the field at fault."""
    path = Path(path)
    data = read_yaml(path, RubricError, "rubric")
    f = _Fields(data, "", path, {"results": "", "suites": "", "sandbox": "", "training": "", "weights": "",
                                 "late": "", "rate_limit": ""})
    results = _Fields(f.data.get("results", {}), "results", path, {"visibility": "", "stdout_visibility": ""})
    limits, user, training_memory = _limits(f.data.get("sandbox", {}), path)
    suites = _suites(f.get("suites", dict), path)
    return Rubric(
        path=path,
        suites=suites,
        limits=limits,
        user=user,
        visibility=_visibility(results, "visibility", "visible"),
        stdout_visibility=_visibility(results, "stdout_visibility", "hidden"),
        training=_training(f.data.get("training"), path),
        training_memory_mb=training_memory,
        weights=_weights(f.data.get("weights"), path),
        late=_late(f.data.get("late"), path),
        rate_limit=_rate_limit(f.data.get("rate_limit"), path, suites),
    )
