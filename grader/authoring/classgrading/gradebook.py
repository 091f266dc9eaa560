"""A class's grades as tables: ``gradebook.csv``, ``tests.csv``, and what a regrade changed (``--compare``).

Everything is read back from the output folder, one ``<id>/`` per submission
holding ``results.json`` (what ``grade`` wrote) and ``grading.json`` (who, the
status, the time it took): so one run, a resumed run and the merge of shards
build the same tables from the same files.

- ``gradebook.csv``: a row of the maximum points, then one row per student:
  ``id``, ``name``, ``sid`` and ``email`` (from a Gradescope export; each member
  of a group gets a row with the group's points), ``total``, the points of each
  module (in the order of the page), each graded run's test accuracy and points
  (``training cnn accuracy``, ``training cnn points``), the status (``graded``,
  ``rejected``, ``not graded``, ``grader failed``, ``timed out``), when it was
  submitted, its due date and the hours it came late (where the export says),
  and the seconds it took.
- ``tests.csv``: submission x test: the points of each test (by its stable id,
  the column), under a row of the tests' names and a row of their maximums.
- ``compare.csv``: the students whose total moved, with their status now
  (``graded``..., ``new``: not in the earlier gradebook, ``gone``: not in this
  one), through which tests.

The rows that are no submission (``(maximum points)``, ``(test name)``) have
ids no submission can have (see ``is_submission``): ``read_csv`` leaves them out.

Every CSV the kit writes goes through ``write_csv``: no cell starts a formula
in a spreadsheet (names, ids and test names come from students), and
``read_rows`` reads each cell back as it was.
"""
from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from grader.authoring.classgrading.submissions import hours_late

RESULTS, META = "results.json", "grading.json"
GRADEBOOK, TESTS, CHANGES = "gradebook.csv", "tests.csv", "compare.csv"
GRADED, REJECTED, NOT_GRADED, FAILED, TIMED_OUT = "graded", "rejected", "not graded", "grader failed", "timed out"
TRAINING = "training"
NEW, GONE = "new", "gone"
MAX_ROW, NAMES_ROW = "(maximum points)", "(test name)"
"""The ids of the rows of a table that are no submission: a submission's id never starts with ``(``."""
WHO = ("name", "email", "sid")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula in a cell (OWASP's CSV injection): such a cell is written
after a ``'``, which spreadsheets read as "text follows" and do not show. A negative number is such a cell too."""


@dataclass(frozen=True)
class TestScore:
    """One entry of a results.json: a test or a graded run, with the module (or run) it belongs to."""

    key: str
    name: str
    module: str
    score: float
    max_score: float
    accuracy: float | None = None
    place: float = float("inf")
    """The module's place on the page (the major part of the test's number)."""
    fault: str | None = None
    """Why the machine, not the code, kept the test from being graded (``extra_data["fault"]``)."""

    @property
    def is_run(self) -> bool:
        return self.key.startswith(TRAINING + "/")


@dataclass
class Graded:
    """One graded submission as its output folder holds it."""

    id: str
    name: str = ""
    status: str = GRADED
    seconds: float = 0.0
    cpu_s: float = 0.0
    entries: list[TestScore] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    score: float | None = None
    """The score of the results document, where it has one: what Gradescope shows (a late penalty taken off)."""

    @property
    def total(self) -> float:
        """The submission's points: the results' score, else the sum of its entries."""
        return round(self.score if self.score is not None else sum(e.score for e in self.entries), 6)

    @property
    def has_grade(self) -> bool:
        """Whether the submission got a grade (graded, or rejected for what it holds): every other status (a fault
        of the machine or the grader, a time-out) leaves its cells in the gradebook empty, to be graded again."""
        return self.status in (GRADED, REJECTED)

    @property
    def max_total(self) -> float:
        return round(sum(e.max_score for e in self.entries), 6)

    def modules(self) -> dict[str, tuple[float, float]]:
        """Returns module -> (points, max points) of the tests, in the order of the results."""
        out: dict[str, tuple[float, float]] = {}
        for e in self.entries:
            if not e.is_run:
                score, top = out.get(e.module, (0.0, 0.0))
                out[e.module] = (score + e.score, top + e.max_score)
        return {m: (round(s, 6), round(t, 6)) for m, (s, t) in out.items()}

    def runs(self) -> dict[str, TestScore]:
        """Returns run name -> its entry."""
        return {e.module: e for e in self.entries if e.is_run}

    @property
    def faults(self) -> list[TestScore]:
        """The entries a fault of the machine kept from being graded."""
        return [e for e in self.entries if e.fault is not None]

    def members(self) -> list[dict[str, str]]:
        """Returns each student of the submission (``WHO``): a group's members where the export named them,
        else the one the submission's name, email and SID describe."""
        listed = self.meta.get("members")
        if isinstance(listed, list) and any(isinstance(m, dict) for m in listed):
            return [{k: str(m.get(k) or "") for k in WHO} for m in listed if isinstance(m, dict)]
        return [{"name": self.name, "email": str(self.meta.get("email") or ""), "sid": str(self.meta.get("sid") or "")}]

    def lateness(self) -> dict[str, str]:
        """Returns the cells ``submitted``, ``due`` and ``hours late`` (empty where unknown)."""
        submitted, due = str(self.meta.get("submitted") or ""), str(self.meta.get("due") or "")
        late = hours_late(submitted, due) if submitted and due else None
        return {"submitted": submitted, "due": due, "hours late": "" if late is None else number(late)}


def _entry(test: dict) -> TestScore:
    extra = test.get("extra_data") if isinstance(test.get("extra_data"), dict) else {}
    tags = test.get("tags") or []
    key = str(extra.get("id") or test.get("name", ""))
    run = key.startswith(TRAINING + "/")
    module = key.split("/", 1)[1] if run else str(tags[0] if tags else "")
    accuracy = extra.get("accuracy") if run else None
    fault = extra.get("fault")
    try:
        place = float(str(test.get("number", "")).split(".")[0])
    except ValueError:
        place = float("inf")
    return TestScore(key, str(test.get("name", key)), module, float(test.get("score") or 0.0),
                     float(test.get("max_score") or 0.0),
                     float(accuracy) if isinstance(accuracy, (int, float)) else None, place,
                     str(fault) if fault is not None else None)


def read_graded(folder: Path) -> Graded:
    """Returns the graded submission in ``folder`` (``results.json`` and ``grading.json``)."""
    meta = json.loads((folder / META).read_text()) if (folder / META).is_file() else {}
    try:
        results = json.loads((folder / RESULTS).read_text())
    except (OSError, ValueError):
        results = {"tests": []}
    return Graded(id=folder.name, name=str(meta.get("name", "")), status=str(meta.get("status", GRADED)),
                  seconds=float(meta.get("seconds", 0.0)), cpu_s=float(meta.get("cpu_s", 0.0)),
                  entries=[_entry(t) for t in results.get("tests", []) if isinstance(t, dict)], meta=meta,
                  score=float(results["score"]) if isinstance(results.get("score"), (int, float)) else None)


def read_folder(out: Path) -> list[Graded]:
    """Returns every graded submission under ``out``, by id."""
    return [read_graded(p.parent) for p in sorted(Path(out).glob(f"*/{META}"))]


@dataclass
class Gradebook:
    """The graded submissions of a class, with the columns they share."""

    rows: list[Graded]

    def modules(self) -> dict[str, float]:
        """Returns module -> max points, in the order of the page (the module numbers of the results)."""
        out: dict[str, float] = {}
        place: dict[str, float] = {}
        for row in self.rows:
            for module, (_, top) in row.modules().items():
                out[module] = max(out.get(module, 0.0), top)
            for e in row.entries:
                place[e.module] = min(place.get(e.module, float("inf")), e.place)
        return {m: out[m] for m in sorted(out, key=lambda m: (place.get(m, float("inf")), m))}

    def runs(self) -> dict[str, float]:
        """Returns run -> max points, in the order they first appear."""
        out: dict[str, float] = {}
        for row in self.rows:
            for run, e in row.runs().items():
                out[run] = max(out.get(run, 0.0), e.max_score)
        return out

    def tests(self) -> dict[str, TestScore]:
        """Returns test key -> an entry of it (for its name, module and max points), in the order they appear."""
        out: dict[str, TestScore] = {}
        for row in self.rows:
            for e in row.entries:
                out.setdefault(e.key, e)
        return out

    def test_maxima(self) -> dict[str, float]:
        """Returns test key -> its max points (the largest any submission recorded), in the order they appear."""
        out: dict[str, float] = {}
        for row in self.rows:
            for e in row.entries:
                out[e.key] = max(out.get(e.key, 0.0), e.max_score)
        return out

    def max_total(self) -> float:
        return max((r.max_total for r in self.rows), default=0.0)

    def assignment(self) -> str:
        """Returns the assignment grade-all graded (recorded in grading.json), or "" for the whole course."""
        return next((str(r.meta["assignment"]) for r in self.rows if r.meta.get("assignment")), "")

    def pass_rates(self) -> dict[str, float]:
        """Returns test key -> the fraction of graded submissions that earned all its points."""
        graded = [r for r in self.rows if r.status == GRADED]
        rates = {}
        for key, test in self.tests().items():
            scores = [s for s in ({e.key: e for e in r.entries}.get(key) for r in graded) if s and s.fault is None]
            if test.max_score > 0 and scores:
                rates[key] = sum(1 for s in scores if s.score >= s.max_score - 1e-9) / len(scores)
        return rates

    def gradebook_columns(self) -> list[str]:
        runs = [c for run in self.runs() for c in (f"training {run} accuracy", f"training {run} points")]
        return ["id", "name", "sid", "email", "total", *self.modules(), *runs, "status", "submitted", "due",
                "hours late", "seconds"]

    def gradebook_rows(self) -> list[dict]:
        """Returns the row of the maximum points, then one row per student (each member of a group)."""
        top: dict = {"id": MAX_ROW, "total": number(self.max_total()),
                     **{m: number(v) for m, v in self.modules().items()},
                     **{f"training {run} points": number(v) for run, v in self.runs().items()}}
        rows = [top]
        for r in self.rows:
            row: dict = {"id": r.id, "total": number(r.total) if r.has_grade else "",
                         "status": r.status, "seconds": f"{r.seconds:.1f}", **r.lateness()}
            modules, runs = (r.modules(), r.runs()) if r.has_grade else ({}, {})
            for module in self.modules():
                row[module] = number(modules[module][0]) if module in modules else ""
            for run in self.runs():
                e = runs.get(run)
                row[f"training {run} accuracy"] = "" if e is None or e.accuracy is None else f"{e.accuracy:.4f}"
                row[f"training {run} points"] = "" if e is None else number(e.score)
            rows.extend({**row, **member} for member in r.members())
        return rows

    def write(self, out: Path) -> None:
        """Writes ``gradebook.csv`` and ``tests.csv`` into ``out``."""
        write_csv(out / GRADEBOOK, self.gradebook_columns(), self.gradebook_rows())
        tests, maxima = self.tests(), self.test_maxima()
        keys = list(tests)
        rows = [{"id": NAMES_ROW, **{k: tests[k].name for k in keys}},
                {"id": MAX_ROW, **{k: number(maxima[k]) for k in keys}}]
        for r in self.rows:
            scores = {e.key: e.score for e in r.entries} if r.has_grade else {}
            rows.append({"id": r.id, **{k: number(scores[k]) if k in scores else "" for k in keys}})
        write_csv(out / TESTS, ["id", *keys], rows)


def number(value: float) -> str:
    """Returns a number as the tables show it: six significant digits at most, no trailing zeros (``3``, ``2.5``)."""
    return f"{value:g}" if math.isfinite(value) and abs(value) < 1e15 else str(value)


def neutral(cell) -> str:
    """Returns ``cell`` (None: empty) as text no spreadsheet reads as a formula: after a ``'`` where, its leading
    ``'`` aside, it starts with one of ``FORMULA_START``; as it is otherwise. ``plain`` undoes it exactly."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


def plain(cell: str) -> str:
    """Returns the text ``neutral`` was given: ``cell`` less the ``'`` it added (a cell of a table written
    before the neutralising reads as it is)."""
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_START) else cell


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    """Writes ``rows`` (column -> value; a missing column is empty) under a header of ``columns`` to ``path``,
    replaced at once (written beside it first), every cell through ``neutral``."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([neutral(c) for c in columns])
        writer.writerows([neutral(row.get(c, "")) for c in columns] for row in rows)
    tmp.replace(path)


def read_rows(path: Path) -> list[dict[str, str]]:
    """Returns the rows (column -> value, empty where a row is short) of a CSV ``write_csv`` wrote, each cell
    through ``plain``; blank lines are no rows."""
    with open(path, newline="", encoding="utf-8") as f:
        header, *rows = [[plain(cell) for cell in row] for row in csv.reader(f) if row] or [[]]
    return [{c: row[k] if k < len(row) else "" for k, c in enumerate(header)} for row in rows]


def is_submission(row_id: str) -> bool:
    """Whether a row of a table with id ``row_id`` is a submission's (not ``MAX_ROW`` or ``NAMES_ROW``)."""
    return bool(row_id) and not row_id.startswith("(")


def read_csv(path: Path) -> dict[str, dict[str, str]]:
    """Returns id -> row of a gradebook.csv or tests.csv, for the submissions' rows (a group's members share it)."""
    return {row["id"]: row for row in read_rows(path) if is_submission(row.get("id", ""))}


@dataclass(frozen=True)
class Change:
    """A student whose total moved between two gradebooks, and the tests that moved it."""

    id: str
    name: str
    old: float | None
    new: float | None
    tests: tuple[tuple[str, float | None, float | None], ...]
    status: str = GRADED
    """The submission's status now, ``NEW`` where the earlier gradebook did not have it, ``GONE`` where this
    one does not."""

    @property
    def delta(self) -> float:
        return round((self.new or 0.0) - (self.old or 0.0), 6)


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def compare(old_gradebook: Path, book: Gradebook) -> list[Change]:
    """Returns the students whose total differs from ``old_gradebook`` (a gradebook.csv; the tests.csv beside
    it, when there, says through which tests), largest change first; a student in one book only is a change."""
    old = read_csv(old_gradebook)
    old_tests_path = Path(old_gradebook).with_name(TESTS)
    old_tests = read_csv(old_tests_path) if old_tests_path.is_file() else {}
    new = {r.id: r for r in book.rows}
    changes = []
    for sid in sorted(set(old) | set(new)):
        before = _float(old[sid].get("total")) if sid in old else None
        row = new.get(sid)
        after = row.total if row is not None and row.has_grade else None
        if before is not None and after is not None and abs(before - after) < 1e-6:
            continue
        moved = []
        if row is not None and sid in old_tests:
            scores = {e.key: e.score for e in row.entries}
            for key in dict.fromkeys([*old_tests[sid], *scores]):
                if key == "id":
                    continue
                a, b = _float(old_tests[sid].get(key)), scores.get(key)
                if (a or 0.0) != (b or 0.0) or (a is None) != (b is None):
                    moved.append((key, a, b))
        name = row.name if row else old[sid].get("name", "")
        status = GONE if row is None else NEW if sid not in old else row.status
        changes.append(Change(sid, name, before, after, tuple(moved), status))
    return sorted(changes, key=lambda c: (-abs(c.delta), c.id))


def write_changes(path: Path, changes: list[Change]) -> None:
    """Writes the changes as CSV: one row per student and test that moved."""
    rows = []
    for c in changes:
        base = {"id": c.id, "name": c.name, "status": c.status, "old total": "" if c.old is None else number(c.old),
                "new total": "" if c.new is None else number(c.new), "change": number(c.delta)}
        for key, a, b in c.tests or (("", None, None),):
            rows.append({**base, "test": key, "old points": "" if a is None else number(a),
                         "new points": "" if b is None else number(b)})
    write_csv(path, ["id", "name", "status", "old total", "new total", "change", "test", "old points", "new points"],
              rows)


def describe_changes(changes: list[Change], limit: int = 3) -> list[str]:
    """Returns one line per change: who, old -> new total, and the first tests that moved it."""
    lines = []
    for c in changes:
        who = f"{c.id} ({c.name})" if c.name else c.id
        old = "absent" if c.old is None else number(c.old)
        new = "absent" if c.new is None else number(c.new)
        tests = ", ".join(f"{k} {number(a or 0)}->{number(b or 0)}" for k, a, b in c.tests[:limit])
        more = f" and {len(c.tests) - limit} more" if len(c.tests) > limit else ""
        status = "" if c.status == GRADED else f" [{c.status}]"
        lines.append(f"{who}{status}: {old} -> {new} ({c.delta:+g})" + (f" through {tests}{more}" if tests else ""))
    return lines
