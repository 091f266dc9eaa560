"""Gradescope's ``results.json``: entries, truncation, schema validation, atomic writing, the summary table.

Every test entry carries its ``max_score`` whatever happened to the test, so
no point silently vanishes. Outputs are truncated per test and in total, so a
submission that prints megabytes still gets a small file.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = Path(__file__).resolve().parent / "schema" / "results.schema.json"
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
TEST_OUTPUT_CHARS = 4000
TOTAL_TEST_OUTPUT_CHARS = 400_000
SHORT_OUTPUT_CHARS = 300
TOP_OUTPUT_CHARS = 32_000
TRAINING_PREFIX = "training/"


class ResultsError(ValueError):
    """A results document that Gradescope would not accept; the message lists why."""


def truncate(text: str, limit: int) -> str:
    """Returns ``text`` cut to at most ``limit`` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    note = f"\n[... {len(text) - limit + 80} more characters cut]"
    return text[:max(limit - 80, 0)] + note


@dataclass
class Results:
    """The results of grading one submission, gathered as the stages run."""

    visibility: str = "visible"
    stdout_visibility: str = "hidden"
    tests: list[dict] = field(default_factory=list)
    leaderboard: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def add_test(self, name: str, score: float, max_score: float, passed: bool, output: str = "",
                 number: str | None = None, tags: list[str] | tuple = (), visibility: str | None = None) -> dict:
        """Adds one test entry (score clipped to [0, max_score]) and returns it."""
        max_score = max(float(max_score or 0.0), 0.0)
        score = min(max(float(score or 0.0), 0.0), max_score)
        entry: dict[str, Any] = {"name": name, "score": score, "max_score": max_score,
                                 "status": "passed" if passed else "failed", "output": output or ""}
        if number is not None:
            entry["number"] = str(number)
        if tags:
            entry["tags"] = [str(t) for t in tags]
        if visibility is not None:
            entry["visibility"] = visibility
        self.tests.append(entry)
        return entry

    def add_leaderboard(self, name: str, value: float | str, order: str = "desc") -> None:
        """Adds one leaderboard column value."""
        self.leaderboard.append({"name": name, "value": value, "order": order})

    def note(self, text: str) -> None:
        """Adds a paragraph to the top-level output that every student sees."""
        self.notes.append(text.rstrip())

    @property
    def score(self) -> float:
        return sum(t["score"] for t in self.tests)

    @property
    def max_score(self) -> float:
        return sum(t["max_score"] for t in self.tests)

    def to_dict(self) -> dict:
        """Returns the results document, with every output truncated."""
        tests, used = [], 0
        for entry in self.tests:
            entry = dict(entry)
            limit = TEST_OUTPUT_CHARS if used < TOTAL_TEST_OUTPUT_CHARS else SHORT_OUTPUT_CHARS
            entry["output"] = truncate(entry["output"], limit)
            used += len(json.dumps(entry["output"]))
            tests.append(entry)
        output = "\n\n".join(self.notes)
        return {
            "score": round(sum(t["score"] for t in tests), 6),
            "execution_time": round(time.monotonic() - self.started, 3),
            "output": truncate(output, TOP_OUTPUT_CHARS),
            "visibility": self.visibility,
            "stdout_visibility": self.stdout_visibility,
            "tests": tests,
            "leaderboard": list(self.leaderboard),
        }

    def write(self, path: Path) -> dict:
        """Validates and writes the results to ``path`` atomically; returns the document written.

        A document that fails validation (a bug in the grader) is replaced by a
        minimal valid one that says so, so that a results file always exists.
        """
        data = self.to_dict()
        problems = validate(data)
        if problems:
            data = {**data, "tests": [], "leaderboard": [], "score": 0.0, "visibility": "visible",
                    "stdout_visibility": "hidden", "output": truncate("The grader produced invalid results; please tell your instructor.\n"
                                       + "\n".join(problems), TOP_OUTPUT_CHARS)}
        write_atomic(Path(path), data)
        return data


def validate(data: Any) -> list[str]:
    """Returns why ``data`` is not a valid results document (empty when it is)."""
    import jsonschema

    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    problems = [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
                for e in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))]
    if not problems:
        for i, t in enumerate(data["tests"]):
            if t["score"] > t["max_score"] + 1e-9:
                problems.append(f"tests/{i}: score {t['score']} is above max_score {t['max_score']}")
    return problems


def write_atomic(path: Path, data: dict) -> None:
    """Writes ``data`` as JSON to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".results-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _module_of(test_file: str, modules: list[str]) -> str:
    """Returns the module a test file grades: the longest known stem that ``test_<stem>`` starts."""
    stem = Path(test_file).stem.removeprefix("test_")
    matches = [m for m in modules if stem == m or stem.startswith(m + "_")]
    return max(matches, key=len) if matches else stem


def _points(score: float, max_score: float) -> str:
    return f"{score:g}/{max_score:g}"


def summary_table(data: dict, modules: list[str] | tuple = ()) -> str:
    """Returns the terminal summary: one line per module (points per suite) and per training run, then the total."""
    suites: list[str] = []
    rows: dict[str, dict[str, list[float]]] = {}
    runs: list[dict] = []
    for t in data["tests"]:
        if t["name"].startswith(TRAINING_PREFIX):
            runs.append(t)
            continue
        path = t["name"].split("::", 1)[0]
        suite, _, test_file = path.rpartition("/")
        suite = suite or "tests"
        if suite not in suites:
            suites.append(suite)
        cell = rows.setdefault(_module_of(test_file, list(modules)), {}).setdefault(suite, [0.0, 0.0])
        cell[0] += t["score"]
        cell[1] += t["max_score"]
    width = max([len(m) for m in rows] + [len(r["name"]) - len(TRAINING_PREFIX) for r in runs] + [12])
    lines = [f"{'module':<{width}}" + "".join(f"{s:>14}" for s in suites) + f"{'total':>14}"]
    for module, cells in rows.items():
        got = sum(c[0] for c in cells.values())
        best = sum(c[1] for c in cells.values())
        line = f"{module:<{width}}" + "".join(
            f"{_points(*cells[s]) if s in cells else '-':>14}" for s in suites) + f"{_points(got, best):>14}"
        lines.append(line)
    if runs:
        lines.append("")
        lines.append(f"{'training run':<{width}}{'result':>28}{'points':>14}")
        for r in runs:
            first = r["output"].splitlines()[0] if r["output"] else ""
            lines.append(f"{r['name'][len(TRAINING_PREFIX):]:<{width}}{first[:28]:>28}"
                         f"{_points(r['score'], r['max_score']):>14}")
    total = sum(t["score"] for t in data["tests"])
    best = sum(t["max_score"] for t in data["tests"])
    lines.append("")
    lines.append(f"{'total':<{width}}{_points(total, best):>{14 * (len(suites) + 1)}}")
    for entry in data.get("leaderboard", []):
        lines.append(f"leaderboard {entry['name']}: {entry['value']}")
    return "\n".join(lines)
