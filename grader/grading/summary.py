"""The summary of a grade: points per module and suite, each graded training run, the total.

Built from the structured entries of a ``grader.grading.results.Results`` (which
renders its output with ``summary_markdown``, so this module does not import
it), never from test names, and
rendered twice: a text table for the terminal (``summary_table``) and Markdown
for the top of the student's Gradescope page (``summary_markdown``, with the
notes). A run's outcome is cut at a readable length in both; its full text is
in its own entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RESULT_CHARS = 60


@dataclass
class Row:
    """One module: points per suite (``{suite: [score, max_score]}``)."""

    module: str
    cells: dict[str, list[float]]

    @property
    def score(self) -> float:
        return sum(c[0] for c in self.cells.values())

    @property
    def max_score(self) -> float:
        return sum(c[1] for c in self.cells.values())


def points(score: float, max_score: float) -> str:
    return f"{score:g}/{max_score:g}"


def cut(text: str, limit: int = RESULT_CHARS) -> str:
    """Returns the first line of ``text``, cut at a word boundary before ``limit`` characters (with "...")."""
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    if len(line) <= limit:
        return line
    head = line[:limit - 3]
    if " " in head[limit // 2:]:
        head = head[:head.rindex(" ")]
    return head.rstrip(" ,;:") + "..."


def rows(results: Any, entries: list | None = None) -> tuple[list[str], list[Row]]:
    """Returns the suites (in order of first appearance) and one row per module (in order of appearance), of
    ``entries`` (default every entry of ``results``)."""
    suites: list[str] = []
    by_module: dict[str, Row] = {}
    for e in results.entries if entries is None else entries:
        if e.kind == "training":
            continue
        suite = e.suite or "tests"
        if suite not in suites:
            suites.append(suite)
        module = e.module or "(other)"
        cell = by_module.setdefault(module, Row(module, {})).cells.setdefault(suite, [0.0, 0.0])
        cell[0] += e.score
        cell[1] += e.max_score
    return suites, list(by_module.values())


def summary_table(results: Any) -> str:
    """Returns the summary of ``results`` as a text table for the terminal."""
    suites, table = rows(results)
    runs = [e for e in results.entries if e.kind == "training"]
    width = max([len(r.module) for r in table] + [len(r.module or "") for r in runs] + [12])
    lines = [f"{'module':<{width}}" + "".join(f"{s:>14}" for s in suites) + f"{'total':>14}"]
    for row in table:
        lines.append(f"{row.module:<{width}}"
                     + "".join(f"{points(*row.cells[s]) if s in row.cells else '-':>14}" for s in suites)
                     + f"{points(row.score, row.max_score):>14}")
    if runs:
        lines.append("")
        lines.append(f"{'training run':<{width}}  {'result':<{RESULT_CHARS}}{'points':>10}")
        for r in runs:
            lines.append(f"{r.module:<{width}}  {cut(r.result):<{RESULT_CHARS}}{points(r.score, r.max_score):>10}")
    lines.append("")
    lines.append(f"{'total':<{width}}{points(results.total, results.max_score):>{14 * (len(suites) + 1)}}")
    if results.deduction:
        lines.append(f"late penalty: {results.deduction:g} points off the tests' {results.score:g}")
    if results.withheld:
        lines.append("rate limit: beyond the allowance; the student sees only the note and the entries not hidden")
    for entry in results.leaderboard:
        lines.append(f"leaderboard {entry['name']}: {entry['value']}")
    if results.faults:
        lines.append(f"not graded: {len(results.faults)} tests struck by faults of the machine (see the log)")
    if "isolation" in results.staff:
        lines.append(f"isolation: {results.staff['isolation']}")
    return "\n".join(lines)


def _md(text: str) -> str:
    """Returns ``text`` safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def summary_markdown(results: Any) -> str:
    """Returns the top of the student's page: the total, the notes, the per-module table, then the training runs.

    Under a rate limit (``results.withheld``) the page has no total, and its tables count only the entries the
    student sees."""
    shown = [e for e in results.entries if not results.withheld or e.visibility != "hidden"]
    suites, table = rows(results, shown)
    runs = [e for e in shown if e.kind == "training"]
    if results.withheld:
        parts = ["**Total: not shown** (feedback on this submission is limited; see below)"]
    elif results.deduction:
        parts = [f"**Total: {points(round(results.total, 2), results.max_score)} points** "
                 f"({points(round(results.score, 2), results.max_score)} before the late penalty)"]
    else:
        parts = [f"**Total: {points(results.score, results.max_score)} points**"]
    if results.faults:
        parts.append(_md_paragraph(f"This grade is not complete: {len(results.faults)} of its tests could not run "
                                   "because the grading machine failed (this is not a problem of your code). "
                                   "The course staff will grade it again."))
    if results.notes:
        parts.append("\n\n".join("\n".join("    " + line for line in note.splitlines()) if "\n" in note
                                 else _md_paragraph(note) for note in results.notes))
    if table:
        head = "| module | " + " | ".join(suites) + " | total |"
        rule = "|---|" + "---:|" * (len(suites) + 1)
        body = [f"| {_md(r.module)} | " + " | ".join(points(*r.cells[s]) if s in r.cells else "-" for s in suites)
                + f" | **{points(r.score, r.max_score)}** |" for r in table]
        parts.append("\n".join([head, rule, *body]))
    if runs:
        body = [f"| {_md(r.module)} | {_md(cut(r.result))} | {points(r.score, r.max_score)} |" for r in runs]
        parts.append("\n".join(["| training run | result | points |", "|---|---|---:|", *body]))
    parts.append("Each test below is named by its module and the property it checks; a failed test says what to fix.")
    return "\n\n".join(parts)


def _md_paragraph(text: str) -> str:
    """Returns a one-line note with Markdown's emphasis characters escaped."""
    for char in "\\*_`[]<>#":
        text = text.replace(char, "\\" + char)
    return text
