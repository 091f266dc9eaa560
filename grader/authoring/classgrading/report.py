"""``report.html``: one self-contained page on how a class did, for the instructor to look at.

What it shows, each with a plot where a plot reads faster than a table: the
totals (a histogram), each module's points (a histogram per module), each
module's and graded run's mean share of its points, the tests the most students
fail, the slowest submissions, what changed since an earlier gradebook
(``--compare``), and every graded submission's row, its id a link to the
submission's own page (``<id>/feedback.html``, see ``feedback.py``). Apart from
them: the submissions that were not graded (a fault of the machine or of the
grader, a time-out: graded again on the next run) and every test a fault of the
machine kept from being graded, with the fault. Plots are PNGs drawn with
matplotlib and embedded in the page; the page loads nothing else, so it can be
mailed or opened offline. Every text from a submission (ids, names, test
names, faults) is escaped.
"""
from __future__ import annotations

import base64
import html
import io
import math
import time
import urllib.parse
from pathlib import Path

from grader.authoring.classgrading.feedback import FEEDBACK
from grader.authoring.classgrading.gradebook import GRADED, Change, Gradebook, Graded

REPORT = "report.html"
HARDEST = 15   # tests on the page, those the fewest submissions pass
SLOWEST = 10
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0; } td, th { padding: 0.2em 0.6em; text-align: left; }
tr:nth-child(even) { background: #f4f4f4; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.plots { display: flex; flex-wrap: wrap; gap: 1em; } figure { margin: 0; } img { max-width: 100%; }
.muted { color: #666; } .bad { color: #a00; }
"""
_DRAWN = """
window.addEventListener("load", function () {
  var drawn = 0, imgs = document.querySelectorAll("img.plot");
  imgs.forEach(function (img) { if (img.complete && img.naturalWidth > 0) drawn++; });
  document.body.setAttribute("data-plots-drawn", drawn + "/" + imgs.length);
});
"""


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _figure(title: str, draw, size=(6.0, 3.2), grid: tuple[int, int] | None = None) -> str:
    """Returns an ``<img>`` of the plot ``draw(ax)`` makes, titled ``title``; with ``grid`` (rows, columns),
    ``draw`` gets the grid's axes, in rows."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(*(grid or (1, 1)), figsize=size, squeeze=False)
    if grid:
        draw(list(axes.flat))
        fig.suptitle(title)
    else:
        draw(axes[0][0])
        axes[0][0].set_title(title)
    fig.tight_layout()
    return (f'<figure><img class="plot" alt="{html.escape(title)}" '
            f'src="data:image/png;base64,{_png(fig)}"></figure>')


class _Html(str):
    """A table cell that is markup of this page (a link), not text to escape."""


def _cell(value) -> str:
    return value if isinstance(value, _Html) else html.escape(str(value))


def _link(row: Graded) -> _Html:
    """Returns the id of ``row`` as a link to its feedback page."""
    href = urllib.parse.quote(f"{row.id}/{FEEDBACK}")
    return _Html(f'<a href="{html.escape(href)}">{html.escape(row.id)}</a>')


def _table(columns: list[str], rows: list[list], numeric: set[int] = frozenset()) -> str:
    head = "".join(f'<th class="{"num" if i in numeric else ""}">{html.escape(c)}</th>' for i, c in enumerate(columns))
    body = "".join("<tr>" + "".join(f'<td class="{"num" if i in numeric else ""}">{_cell(v)}</td>'
                                    for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _histogram(book: Gradebook) -> str:
    totals = [r.total for r in book.rows if r.status == GRADED]
    top = book.max_total() or 1.0

    def draw(ax):
        ax.hist(totals, bins=min(20, max(5, len(totals))), range=(0, top), color="#4472c4", edgecolor="white")
        ax.set_xlabel(f"total points (of {top:g})")
        ax.set_ylabel("submissions")

    return _figure(f"Totals of {len(totals)} graded submissions", draw)


def _module_histograms(book: Gradebook) -> str:
    """Returns one figure with a histogram of each module's points over the graded submissions."""
    graded, modules = [r for r in book.rows if r.status == GRADED], book.modules()
    if not graded or not modules:
        return ""
    columns = min(3, len(modules))
    grid = (math.ceil(len(modules) / columns), columns)

    def draw(axes):
        for ax, (module, top) in zip(axes, modules.items()):
            points = [r.modules().get(module, (0.0, 0.0))[0] for r in graded]
            ax.hist(points, bins=min(10, max(3, len(graded))), range=(0, top or 1.0), color="#5b9bd5",
                    edgecolor="white")
            ax.set_title(module, fontsize=9)
            ax.set_xlabel(f"points (of {top:g})", fontsize=8)
            ax.tick_params(labelsize=7)
        for ax in axes[len(modules):]:
            ax.axis("off")

    return _figure("Points of each module, graded submissions", draw, size=(3.2 * columns, 0.6 + 2.3 * grid[0]),
                   grid=grid)


def _bars(title: str, labels: list[str], values: list[float], xlabel: str) -> str:
    def draw(ax):
        ax.barh(range(len(values)), values, color="#70ad47")
        ax.set_yticks(range(len(values)), labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel(xlabel)

    return _figure(title, draw, size=(6.0, 0.8 + 0.28 * max(len(values), 1)))


def module_means(book: Gradebook) -> dict[str, float]:
    """Returns module -> mean share (%) of its points over the graded submissions."""
    graded = [r for r in book.rows if r.status == GRADED]
    out = {}
    for module, top in book.modules().items():
        if top > 0 and graded:
            out[module] = 100 * sum(r.modules().get(module, (0.0, 0.0))[0] for r in graded) / (top * len(graded))
    return out


def _changes(changes: list[Change] | None, compared_with: Path | None) -> str:
    if changes is None:
        return ""
    intro = f"<p>Compared with <code>{html.escape(str(compared_with))}</code>: "
    if not changes:
        return "<h2>Changes</h2>" + intro + "no student's total changed.</p>"
    rows = [[c.id, c.name, c.status, "" if c.old is None else f"{c.old:g}", "" if c.new is None else f"{c.new:g}",
             f"{c.delta:+g}", "; ".join(f"{k} {a or 0:g}->{b or 0:g}" for k, a, b in c.tests[:5])
             + (f" and {len(c.tests) - 5} more" if len(c.tests) > 5 else "")] for c in changes]
    return ("<h2>Changes</h2>" + intro + f"{len(changes)} students' totals changed.</p>"
            + _table(["id", "name", "status", "old", "new", "change", "through"], rows, {3, 4, 5}))


def _apart(book: Gradebook) -> str:
    """Returns the sections of what is not graded: the submissions, then the tests a fault of the machine struck."""
    parts = []
    missing = [r for r in book.rows if not r.has_grade]
    if missing:
        parts.append(f"<h2>Not graded ({len(missing)})</h2><p>Graded again on the next run (or with "
                     "<code>--retry</code>); each <code>grade.log</code> holds the faults in full.</p>" + _table(
                         ["id", "name", "status", "seconds", "tests struck by faults"],
                         [[_link(r), r.name, r.status, f"{r.seconds:.0f}", len(r.faults)] for r in missing], {3, 4}))
    struck = [(r, e) for r in book.rows for e in r.faults]
    if struck:
        parts.append(f"<h2>Tests not graded: faults of the machine ({len(struck)})</h2>" + _table(
            ["id", "test", "points", "fault"],
            [[_link(r), e.name, f"{e.max_score:g}", _short((e.fault or "").strip().splitlines()[0]
                                                         if (e.fault or "").strip() else "", 120)]
             for r, e in struck], {2}))
    return "".join(parts)


def render(book: Gradebook, changes: list[Change] | None = None, compared_with: Path | None = None,
           similarity: bool = False) -> str:
    """Returns the page (see the module docstring)."""
    rows, graded = book.rows, [r for r in book.rows if r.status == GRADED]
    totals = sorted(r.total for r in graded)
    counts = {s: sum(r.status == s for r in rows) for s in dict.fromkeys(r.status for r in rows)}
    summary = ", ".join(f"{n} {html.escape(s)}" for s, n in counts.items())
    median = f"median {totals[len(totals) // 2]:g} of {book.max_total():g}" if totals else "none graded"
    parts = [f"<h1>Class report</h1><p class=muted>{len(rows)} submissions ({summary}); {median}. "
             f"Written {time.strftime('%Y-%m-%d %H:%M')}.</p>"]
    if similarity:
        parts.append('<p>Similarity screening: <a href="similarity.html">similarity.html</a></p>')
    plots = [_histogram(book), _module_histograms(book)] if graded else []
    means = module_means(book)
    if means:
        plots.append(_bars("Mean share of each module's points", list(means), list(means.values()),
                           "% of the module's points, mean over graded submissions"))
    rates = book.pass_rates()
    tests = book.tests()
    hardest = sorted(rates, key=lambda k: (rates[k], k))[:HARDEST]
    if hardest:
        plots.append(_bars(f"The {len(hardest)} tests the fewest pass", [_short(tests[k].name) for k in hardest],
                           [100 * rates[k] for k in hardest], "% of graded submissions with every point"))
    slow = sorted(rows, key=lambda r: -r.seconds)[:SLOWEST]
    if slow and any(r.seconds for r in slow):
        def draw(ax):
            ax.barh(range(len(slow)), [r.seconds for r in slow], color="#ed7d31")
            ax.set_yticks(range(len(slow)), [r.id for r in slow], fontsize=8)
            ax.invert_yaxis()
            ax.set_xlabel("seconds to grade")
        plots.append(_figure("The slowest submissions", draw, size=(6.0, 0.8 + 0.28 * len(slow))))
    parts.append('<div class="plots">' + "".join(plots) + "</div>")
    parts.append(_changes(changes, compared_with))
    if means:
        parts.append("<h2>Modules and runs</h2>" + _table(
            ["module or run", "points", "mean %"],
            [[m, f"{book.modules()[m]:g}", f"{v:.1f}"] for m, v in means.items()]
            + [[f"training {run}", f"{top:g}", f"{_run_mean(book, run, top):.1f}"] for run, top in book.runs().items()],
            {1, 2}))
    if hardest:
        parts.append("<h2>Tests the most students fail</h2>" + _table(
            ["test", "module", "points", "% with every point"],
            [[tests[k].name, tests[k].module, f"{tests[k].max_score:g}", f"{100 * rates[k]:.0f}"] for k in hardest],
            {2, 3}))
    parts.append("<h2>Slowest submissions</h2>" + _table(
        ["id", "seconds", "CPU-s", "status"], [[r.id, f"{r.seconds:.0f}", f"{r.cpu_s:.0f}", r.status] for r in slow],
        {1, 2}))
    parts.append("<h2>Every graded submission</h2><p class=muted>Each id links to the submission's own page.</p>"
                 + _table(["id", "name", "total", "status"],
                          [[_link(r), r.name, f"{r.total:g}", r.status]
                           for r in sorted(rows, key=lambda r: r.id) if r.has_grade], {2}))
    parts.append(_apart(book))
    return (f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Class report</title>"
            f"<style>{_STYLE}</style></head><body>{''.join(parts)}<script>{_DRAWN}</script></body></html>\n")


def _run_mean(book: Gradebook, run: str, top: float) -> float:
    graded = [r for r in book.rows if r.status == GRADED]
    if not graded or top <= 0:
        return 100.0 if graded else 0.0
    return 100 * sum(e.score for r in graded for name, e in r.runs().items() if name == run) / (top * len(graded))


def _short(name: str, limit: int = 60) -> str:
    return name if len(name) <= limit else name[:limit - 3] + "..."


def write_report(out: Path, book: Gradebook, changes: list[Change] | None = None,
                 compared_with: Path | None = None) -> Path:
    """Writes ``out/report.html`` and returns its path."""
    path = Path(out) / REPORT
    page = render(book, changes, compared_with, similarity=(Path(out) / "similarity.html").is_file())
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path
