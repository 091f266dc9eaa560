"""The terminal summary of a grade: one line per module (points per suite) and per training run, then the total.

Built from the structured entries of ``Results``, never from test names.
"""
from __future__ import annotations

from grader.grading.results import Results


def _points(score: float, max_score: float) -> str:
    return f"{score:g}/{max_score:g}"


def summary_table(results: Results) -> str:
    """Returns the summary table of ``results``."""
    suites: list[str] = []
    rows: dict[str, dict[str, list[float]]] = {}
    runs = [e for e in results.entries if e.kind == "training"]
    for e in results.entries:
        if e.kind == "training":
            continue
        suite = e.suite or "tests"
        if suite not in suites:
            suites.append(suite)
        cell = rows.setdefault(e.module or "(other)", {}).setdefault(suite, [0.0, 0.0])
        cell[0] += e.score
        cell[1] += e.max_score
    width = max([len(m) for m in rows] + [len(r.module or "") for r in runs] + [12])
    lines = [f"{'module':<{width}}" + "".join(f"{s:>14}" for s in suites) + f"{'total':>14}"]
    for module, cells in rows.items():
        got = sum(c[0] for c in cells.values())
        best = sum(c[1] for c in cells.values())
        lines.append(f"{module:<{width}}" + "".join(f"{_points(*cells[s]) if s in cells else '-':>14}" for s in suites)
                     + f"{_points(got, best):>14}")
    if runs:
        lines.append("")
        lines.append(f"{'training run':<{width}}{'result':>28}{'points':>14}")
        for r in runs:
            lines.append(f"{r.module:<{width}}{r.result[:28]:>28}{_points(r.score, r.max_score):>14}")
    lines.append("")
    lines.append(f"{'total':<{width}}{_points(results.score, results.max_score):>{14 * (len(suites) + 1)}}")
    for entry in results.leaderboard:
        lines.append(f"leaderboard {entry['name']}: {entry['value']}")
    if "isolation" in results.staff:
        lines.append(f"isolation: {results.staff['isolation']}")
    return "\n".join(lines)
