"""What a class's grading leaves for people: the tables, the report, each submission's page, the uploads.

``finish`` is the last step of ``grade-all``, ``merge`` and ``reweight``: the
same output folder gives the same files whichever wrote it. It writes
``gradebook.csv`` and ``tests.csv`` (``gradebook.py``), with ``--compare``
``compare.csv``, every submission's ``<id>/feedback.html`` (``feedback.py``),
``report.html`` (``report.py``), and with ``--format`` a CSV in the upload
layout of a learning management system:

- ``canvas.csv`` (``--format canvas``), Canvas's gradebook import: the columns
  ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section`` and one
  for the assignment (its name; Canvas makes a new assignment of a column it
  does not know), a ``Points Possible`` row first. A student's SID goes to ``SIS
  User ID``; ``ID`` (Canvas's own) and ``SIS Login ID`` are left empty, for
  Canvas to match on the SIS id or the name.
- ``gradescope.csv`` (``--format gradescope``), the scores Gradescope's "Upload
  scores" takes for an assignment: ``Name``, ``SID``, ``Email``, ``Score``.

Each lists one row per student (every member of a group, with the group's
points) of the submissions that got a grade; a submission not graded is left
out, so an upload never blanks a score. Every CSV is written through
``gradebook.write_csv`` (no cell starts a formula).
"""
from __future__ import annotations

from pathlib import Path

from grader.authoring.classgrading import feedback
from grader.authoring.classgrading.gradebook import (CHANGES, GRADED, REJECTED, Gradebook, compare,
                                                     describe_changes, number, write_changes, write_csv)

CANVAS, GRADESCOPE = "canvas.csv", "gradescope.csv"
UPLOADS = {"canvas": CANVAS, "gradescope": GRADESCOPE}
"""Each ``--format`` (the option's choices, ``grader.cli.FORMATS``) -> the file it writes."""
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_POSSIBLE = "Points Possible"
GRADESCOPE_COLUMNS = ["Name", "SID", "Email", "Score"]
DEFAULT_TITLE = "Autograder"
"""The Canvas column of a class graded on the whole course (an assignment's grade is under its name)."""


def _students(book: Gradebook) -> list[tuple[dict[str, str], float]]:
    """Returns (member, total) of every student of the submissions that got a grade; a member without a name is
    named by the submission's id (a folder of submissions names no one)."""
    return [({**member, "name": member["name"] or r.id}, r.total)
            for r in book.rows if r.has_grade for member in r.members()]


def write_canvas(path: Path, book: Gradebook) -> Path:
    """Writes the class's totals in Canvas's gradebook import layout (see the module docstring)."""
    title = book.assignment() or DEFAULT_TITLE
    rows = [{"Student": POINTS_POSSIBLE, title: number(book.max_total())}]
    rows += [{"Student": m["name"], "SIS User ID": m["sid"], title: number(total)}
             for m, total in _students(book)]
    write_csv(path, [*CANVAS_COLUMNS, title], rows)
    return path


def write_gradescope(path: Path, book: Gradebook) -> Path:
    """Writes the class's totals in the layout of Gradescope's "Upload scores" (see the module docstring)."""
    rows = [{"Name": m["name"], "SID": m["sid"], "Email": m["email"], "Score": number(total)}
            for m, total in _students(book)]
    write_csv(path, GRADESCOPE_COLUMNS, rows)
    return path


def write_uploads(out: Path, book: Gradebook, formats: list[str] | tuple = ()) -> list[Path]:
    """Writes the upload CSV of each of ``formats`` (of ``UPLOADS``) into ``out``; returns their paths."""
    writers = {"canvas": write_canvas, "gradescope": write_gradescope}
    return [writers[f](Path(out) / UPLOADS[f], book) for f in dict.fromkeys(formats)]


def write_pages(out: Path, book: Gradebook) -> int:
    """Writes every submission's ``<id>/feedback.html``; returns how many were written."""
    written = 0
    for r in book.rows:
        who = ", ".join(m["name"] for m in r.members() if m["name"])
        written += feedback.write_page(Path(out) / r.id, f"{r.id}: {who}" if who else r.id) is not None
    return written


def finish(out: Path, book: Gradebook, old: Path | None, label: str, formats: list[str] | tuple = ()) -> int:
    """Writes the tables, the pages, the uploads and the report of ``book`` into ``out``, compared with the
    gradebook ``old`` (read before anything is written, so it may be ``out``'s own); prints the summary.
    Returns 0 when every submission got a grade, else 1."""
    from grader.authoring.classgrading.report import write_report

    changes = compare(old, book) if old is not None else None
    book.write(out)
    if changes is not None:
        write_changes(out / CHANGES, changes)
    pages = write_pages(out, book)
    uploads = write_uploads(out, book, formats)
    report = write_report(out, book, changes=changes, compared_with=old)
    _summary(out, book, old, label, changes)
    print(f"  gradebook: {out / 'gradebook.csv'}\n  per test: {out / 'tests.csv'}\n  report: {report} "
          f"(and {pages} pages, <id>/{feedback.FEEDBACK})")
    for path in uploads:
        print(f"  upload: {path}")
    return 0 if all(r.status in (GRADED, REJECTED) for r in book.rows) else 1


def _summary(out: Path, book: Gradebook, old: Path | None, label: str, changes) -> None:
    rows = book.rows
    totals = sorted(r.total for r in rows if r.status == GRADED)
    counts = {s: sum(r.status == s for r in rows) for s in dict.fromkeys(r.status for r in rows)}
    print(f"\n{label}: {len(rows)} submissions: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    if totals:
        print(f"  total out of {book.max_total():g}: median {totals[len(totals) // 2]:g}, lowest {totals[0]:g}, "
              f"highest {totals[-1]:g}")
    cpu = [r.cpu_s for r in rows if r.cpu_s]
    if cpu:
        print(f"  {sum(cpu) / len(cpu):.0f} CPU-s per submission on average (the grade process and what it waited "
              f"for), slowest {max(r.seconds for r in rows):.0f} s")
    if changes is not None:
        print(f"  compared with {old}: {len(changes)} students' totals changed (details in {out / CHANGES})")
        for line in describe_changes(changes)[:20]:
            print(f"    {line}")
        if len(changes) > 20:
            print(f"    ... and {len(changes) - 20} more")
