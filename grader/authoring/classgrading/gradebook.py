"""A class's grades as tables: ``gradebook.csv``, ``tests.csv``, and what a regrade changed (``--compare``).

Everything is read back from the output folder, one ``<id>/`` per submission
holding ``results.json`` (what ``grade`` wrote) and ``grading.json`` (who, the
status, the time it took): so one run, a resumed run and the merge of shards
build the same tables from the same files.

- ``gradebook.csv``: one row per submission: ``id``, ``name``, ``total``, the
  points of each module (in the order of the page), each graded run's test
  accuracy and points (``training cnn accuracy``, ``training cnn points``), the
  status (``graded``, ``rejected``, ``not graded``, ``grader failed``, ``timed
  out``) and the seconds it took.
- ``tests.csv``: submission x test: the points of each test (by its stable id).

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

RESULTS, META = "results.json", "grading.json"
GRADEBOOK, TESTS, CHANGES = "gradebook.csv", "tests.csv", "compare.csv"
GRADED, REJECTED, NOT_GRADED, FAILED, TIMED_OUT = "graded", "rejected", "not graded", "grader failed", "timed out"
TRAINING = "training"
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

    @property
    def total(self) -> float:
        return round(sum(e.score for e in self.entries), 6)

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


def _entry(test: dict) -> TestScore:
    extra = test.get("extra_data") if isinstance(test.get("extra_data"), dict) else {}
    tags = test.get("tags") or []
    key = str(extra.get("id") or test.get("name", ""))
    run = key.startswith(TRAINING + "/")
    module = key.split("/", 1)[1] if run else str(tags[0] if tags else "")
    accuracy = extra.get("accuracy") if run else None
    try:
        place = float(str(test.get("number", "")).split(".")[0])
    except ValueError:
        place = float("inf")
    return TestScore(key, str(test.get("name", key)), module, float(test.get("score") or 0.0),
                     float(test.get("max_score") or 0.0),
                     float(accuracy) if isinstance(accuracy, (int, float)) else None, place)


def read_graded(folder: Path) -> Graded:
    """Returns the graded submission in ``folder`` (``results.json`` and ``grading.json``)."""
    meta = json.loads((folder / META).read_text()) if (folder / META).is_file() else {}
    try:
        results = json.loads((folder / RESULTS).read_text())
    except (OSError, ValueError):
        results = {"tests": []}
    return Graded(id=folder.name, name=str(meta.get("name", "")), status=str(meta.get("status", GRADED)),
                  seconds=float(meta.get("seconds", 0.0)), cpu_s=float(meta.get("cpu_s", 0.0)),
                  entries=[_entry(t) for t in results.get("tests", []) if isinstance(t, dict)], meta=meta)


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

    def max_total(self) -> float:
        return max((r.max_total for r in self.rows), default=0.0)

    def pass_rates(self) -> dict[str, float]:
        """Returns test key -> the fraction of graded submissions that earned all its points."""
        graded = [r for r in self.rows if r.status == GRADED]
        rates = {}
        for key, test in self.tests().items():
            if test.max_score > 0 and graded:
                scores = [{e.key: e for e in r.entries}.get(key) for r in graded]
                rates[key] = sum(1 for s in scores if s and s.score >= s.max_score - 1e-9) / len(graded)
        return rates

    def gradebook_columns(self) -> list[str]:
        runs = [c for run in self.runs() for c in (f"training {run} accuracy", f"training {run} points")]
        return ["id", "name", "total", *self.modules(), *runs, "status", "seconds"]

    def gradebook_rows(self) -> list[dict]:
        rows = []
        for r in self.rows:
            row: dict = {"id": r.id, "name": r.name, "total": _num(r.total) if r.has_grade else "",
                         "status": r.status, "seconds": f"{r.seconds:.1f}"}
            modules, runs = (r.modules(), r.runs()) if r.has_grade else ({}, {})
            for module in self.modules():
                row[module] = _num(modules[module][0]) if module in modules else ""
            for run in self.runs():
                e = runs.get(run)
                row[f"training {run} accuracy"] = "" if e is None or e.accuracy is None else f"{e.accuracy:.4f}"
                row[f"training {run} points"] = "" if e is None else _num(e.score)
            rows.append(row)
        return rows

    def write(self, out: Path) -> None:
        """Writes ``gradebook.csv`` and ``tests.csv`` into ``out``."""
        write_csv(out / GRADEBOOK, self.gradebook_columns(), self.gradebook_rows())
        keys = list(self.tests())
        rows = []
        for r in self.rows:
            scores = {e.key: e.score for e in r.entries} if r.has_grade else {}
            rows.append({"id": r.id, **{k: _num(scores[k]) if k in scores else "" for k in keys}})
        write_csv(out / TESTS, ["id", *keys], rows)


def _num(value: float) -> str:
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


def read_csv(path: Path) -> dict[str, dict[str, str]]:
    """Returns id -> row of a gradebook.csv or tests.csv."""
    return {row["id"]: row for row in read_rows(path)}


@dataclass(frozen=True)
class Change:
    """A student whose total moved between two gradebooks, and the tests that moved it."""

    id: str
    name: str
    old: float | None
    new: float | None
    tests: tuple[tuple[str, float | None, float | None], ...]

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
        changes.append(Change(sid, name, before, after, tuple(moved)))
    return sorted(changes, key=lambda c: (-abs(c.delta), c.id))


def write_changes(path: Path, changes: list[Change]) -> None:
    """Writes the changes as CSV: one row per student and test that moved."""
    rows = []
    for c in changes:
        base = {"id": c.id, "name": c.name, "old total": "" if c.old is None else _num(c.old),
                "new total": "" if c.new is None else _num(c.new), "change": _num(c.delta)}
        for key, a, b in c.tests or (("", None, None),):
            rows.append({**base, "test": key, "old points": "" if a is None else _num(a),
                         "new points": "" if b is None else _num(b)})
    write_csv(path, ["id", "name", "old total", "new total", "change", "test", "old points", "new points"], rows)


def describe_changes(changes: list[Change], limit: int = 3) -> list[str]:
    """Returns one line per change: who, old -> new total, and the first tests that moved it."""
    lines = []
    for c in changes:
        who = f"{c.id} ({c.name})" if c.name else c.id
        old = "absent" if c.old is None else _num(c.old)
        new = "absent" if c.new is None else _num(c.new)
        tests = ", ".join(f"{k} {_num(a or 0)}->{_num(b or 0)}" for k, a, b in c.tests[:limit])
        more = f" and {len(c.tests) - limit} more" if len(c.tests) > limit else ""
        lines.append(f"{who}: {old} -> {new} ({c.delta:+g})" + (f" through {tests}{more}" if tests else ""))
    return lines
