"""The results of grading one submission: structured entries, rendered once as Gradescope's ``results.json``.

Every entry carries its ``max_score`` whatever happened to the test, so no
point silently vanishes; it also knows the module it grades and its suite, from
which the summary table (``grader.grading.summary``) is built. Outputs are
truncated per test and in total, so a submission that prints megabytes still
gets a small file. The document is validated against the schema and written
atomically. A submission policy (``grader.grading.policies``) may take points
off the total (a late penalty) or withhold entries from the student (a rate
limit); the entries themselves keep what they earned.
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
RUNS_NUMBER = 99  # graded training runs come after every module's tests on the page
FAULT_TEXT = ("Not graded: the grading machine failed while running this (this is not a problem of your code); "
              "the course staff will grade it again.")


class ResultsError(ValueError):
    """A results document that Gradescope would not accept; the message lists why."""


def truncate(text: str, limit: int) -> str:
    """Returns ``text`` cut to at most ``limit`` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    note = f"\n[... {len(text) - limit + 80} more characters cut]"
    return text[:max(limit - 80, 0)] + note


@dataclass
class Entry:
    """One graded item: a test, or a graded training run (``kind == "training"``, ``result`` its short outcome).

    ``module`` and ``suite`` say where it belongs in the summary table.
    """

    name: str
    score: float
    max_score: float
    passed: bool
    output: str = ""
    number: str | None = None
    tags: tuple[str, ...] = ()
    visibility: str | None = None
    module: str | None = None
    suite: str | None = None
    kind: str = "test"
    result: str = ""
    id: str | None = None
    """The test's pytest id (``public/test_conv.py::test_x[case]``), kept in the entry's ``extra_data`` for staff."""
    accuracy: float | None = None
    """A graded run's test accuracy, kept in ``extra_data`` too (the class gradebook has a column for it)."""
    fault: str | None = None
    """Why the entry was not graded when the machine, not the code, failed it (``extra_data["fault"]``)."""

    def to_dict(self, output_limit: int) -> dict:
        """Returns the Gradescope test entry, the output cut at ``output_limit`` characters."""
        entry: dict[str, Any] = {"name": self.name, "score": self.score, "max_score": self.max_score,
                                 "status": "passed" if self.passed else "failed",
                                 "output": truncate(self.output, output_limit)}
        if self.number is not None:
            entry["number"] = self.number
        if self.tags:
            entry["tags"] = list(self.tags)
        if self.visibility is not None:
            entry["visibility"] = self.visibility
        extra = {k: v for k, v in (("id", self.id), ("accuracy", self.accuracy), ("fault", self.fault))
                 if v is not None}
        if extra:
            entry["extra_data"] = extra
        return entry


@dataclass
class Results:
    """The results of grading one submission, gathered as the stages run."""

    visibility: str = "visible"
    stdout_visibility: str = "hidden"
    entries: list[Entry] = field(default_factory=list)
    leaderboard: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    staff: dict[str, Any] = field(default_factory=dict)
    """Facts for the course staff (the isolation used), kept in ``extra_data``."""
    deduction: float = 0.0
    """Points a submission policy takes off the entries' total (a late penalty, ``grader.grading.policies``): the
    document's score is ``total``; each entry keeps what it earned."""
    withheld: bool = False
    """Set by a rate limit: the page counts only the entries the student sees (not ``hidden``) and shows no total."""

    def add_test(self, name: str, score: float, max_score: float, passed: bool, output: str = "",
                 number: str | None = None, tags: list[str] | tuple = (), visibility: str | None = None,
                 module: str | None = None, suite: str | None = None, id: str | None = None) -> Entry:
        """Adds one test entry (score clipped to [0, max_score]) and returns it."""
        max_score = max(float(max_score or 0.0), 0.0)
        score = min(max(float(score or 0.0), 0.0), max_score)
        entry = Entry(name, score, max_score, passed, output or "", None if number is None else str(number),
                      tuple(str(t) for t in tags), visibility, module, suite, id=id)
        self.entries.append(entry)
        return entry

    def add_run(self, name: str, score: float, max_score: float, passed: bool, output: str, result: str = "",
                accuracy: float | None = None) -> Entry:
        """Adds the entry of graded training run ``name``; ``result`` is its outcome in a few words."""
        runs = sum(e.kind == "training" for e in self.entries)
        entry = self.add_test(f"training run {name}: test accuracy", score, max_score, passed, output,
                              number=f"{RUNS_NUMBER}.{runs + 1}", tags=["training", name], id=TRAINING_PREFIX + name)
        entry.kind, entry.result, entry.suite, entry.module = "training", result, "training", name
        entry.accuracy = None if accuracy is None else round(float(accuracy), 6)
        return entry

    def add_leaderboard(self, name: str, value: float | str, order: str = "desc") -> None:
        """Adds one leaderboard column value."""
        self.leaderboard.append({"name": name, "value": value, "order": order})

    def note(self, text: str, first: bool = False) -> None:
        """Adds a paragraph to the top-level output that every student sees (``first``: before the others)."""
        self.notes.insert(0 if first else len(self.notes), text.rstrip())

    def not_graded(self, entry: Entry, fault: str) -> Entry:
        """Marks ``entry`` as not graded for ``fault``, a failure of the machine (said to the staff only): the
        student reads that it is not their code's doing; the submission as a whole is not graded."""
        entry.fault = fault[:2000]
        entry.output = (f"{FAULT_TEXT} {entry.output}").strip()
        return entry

    @property
    def faults(self) -> list[Entry]:
        """The entries that the machine, not the code, kept from being graded."""
        return [e for e in self.entries if e.fault is not None]

    @property
    def score(self) -> float:
        return sum(e.score for e in self.entries)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.entries)

    @property
    def total(self) -> float:
        """The score of the submission: the entries' points less the ``deduction``, never below 0."""
        return max(self.score - self.deduction, 0.0)

    def to_dict(self) -> dict:
        """Returns the results document, with every output truncated."""
        tests, used = [], 0
        for entry in self.entries:
            data = entry.to_dict(TEST_OUTPUT_CHARS if used < TOTAL_TEST_OUTPUT_CHARS else SHORT_OUTPUT_CHARS)
            used += len(json.dumps(data["output"]))
            tests.append(data)
        from grader.grading.summary import summary_markdown

        return {
            "score": max(round(sum(t["score"] for t in tests) - self.deduction, 6), 0.0),
            "execution_time": round(time.monotonic() - self.started, 3),
            "output": truncate(summary_markdown(self), TOP_OUTPUT_CHARS),
            "output_format": "md",
            "test_output_format": "text",
            "test_name_format": "text",
            "visibility": self.visibility,
            "stdout_visibility": self.stdout_visibility,
            "tests": tests,
            "leaderboard": list(self.leaderboard),
            **({"extra_data": dict(self.staff)} if self.staff else {}),
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
                    "stdout_visibility": "hidden", "output_format": "text",
                    "output": truncate("The grader produced invalid results; please tell your instructor.\n"
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
