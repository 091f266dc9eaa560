"""``<id>/feedback.html``: one submission's results as a page, beside its ``results.json``.

The page shows what Gradescope would: the summary at the top of the results (its
Markdown rendered), then every test with its name, its points out of its
maximum, whether it passed, who may see it, and its output; the tests that a
fault of the machine kept from being graded come apart, under their own heading.
It is rendered from ``results.json`` alone and loads nothing else, so it can be
mailed or opened offline. Everything in it comes from the submission's grade
(names, outputs, what the code printed), so every text is escaped: the only
markup is the page's own.

The Markdown is the subset ``grader.grading.summary`` writes: paragraphs, bold,
backslash escapes, tables and indented blocks.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

FEEDBACK = "feedback.html"
_INLINE = re.compile(r"\\([\\*_`\[\]<>#|])|\*\*(.+?)\*\*")
_CELL = re.compile(r"(?<!\\)\|")
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
table { border-collapse: collapse; } td, th { padding: 0.2em 0.6em; text-align: left; border-bottom: 1px solid #ddd; }
section { border-left: 4px solid #999; margin: 1em 0; padding: 0.2em 1em; }
section.passed { border-color: #4a4; } section.failed { border-color: #c33; } section.fault { border-color: #d90; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: 0.5em; } .muted { color: #666; }
"""


def _inline(text: str) -> str:
    """Returns one line of Markdown as HTML: its backslash escapes undone, ``**bold**``, everything else escaped."""
    out, last = [], 0
    for match in _INLINE.finditer(text):
        out.append(html.escape(text[last:match.start()]))
        out.append(html.escape(match[1]) if match[1] is not None else f"<strong>{_inline(match[2])}</strong>")
        last = match.end()
    return "".join(out) + html.escape(text[last:])


def _table(lines: list[str]) -> str:
    rows = [[_inline(c.strip()) for c in _CELL.split(line.strip().strip("|"))] for line in lines]
    head, body = rows[0], rows[2:]
    return ("<table><tr>" + "".join(f"<th>{c}</th>" for c in head) + "</tr>"
            + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in body) + "</table>")


def markdown_html(text: str) -> str:
    """Returns the Markdown of a results summary as HTML (see the module docstring); nothing in ``text`` becomes
    markup."""
    parts = []
    for block in (b for b in text.split("\n\n") if b.strip()):
        lines = block.split("\n")
        if all(line.startswith("    ") or not line.strip() for line in lines):
            parts.append("<pre>" + html.escape("\n".join(line[4:] for line in lines)) + "</pre>")
        elif len(lines) >= 2 and lines[0].startswith("|") and set(lines[1]) <= set("|-: "):
            parts.append(_table(lines))
        else:
            parts.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return "\n".join(parts)


def _points(value) -> str:
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return "?"


def _test(test: dict) -> str:
    fault = isinstance(test.get("extra_data"), dict) and "fault" in test["extra_data"]
    status = "fault" if fault else "passed" if test.get("status") == "passed" else "failed"
    number = f"{test['number']} " if test.get("number") else ""
    seen = f"; {test['visibility']}" if test.get("visibility") not in (None, "visible") else ""
    output = str(test.get("output") or "")
    return (f'<section class="{status}"><h3>{html.escape(number + str(test.get("name", "")))}</h3>'
            f'<p class="muted">{_points(test.get("score"))}/{_points(test.get("max_score"))} points; '
            f'{"not graded" if fault else html.escape(status)}{html.escape(seen)}</p>'
            + (f"<pre>{html.escape(output)}</pre>" if output.strip() else "") + "</section>")


def render(results: dict, title: str) -> str:
    """Returns the page of a results document (see the module docstring), headed ``title``."""
    tests = [t for t in results.get("tests", []) if isinstance(t, dict)]
    faults = [t for t in tests if isinstance(t.get("extra_data"), dict) and "fault" in t["extra_data"]]
    graded = [t for t in tests if t not in faults]
    summary = str(results.get("output") or "")
    top = markdown_html(summary) if results.get("output_format") == "md" else f"<pre>{html.escape(summary)}</pre>"
    parts = [f"<h1>{html.escape(title)}</h1>", top,
             f"<h2>Tests ({len(graded)})</h2>", *map(_test, graded)]
    if faults:
        parts += [f"<h2>Not graded: a fault of the machine ({len(faults)})</h2>",
                  "<p>These tests could not run because the grading machine failed; they will be graded again.</p>",
                  *map(_test, faults)]
    board = [b for b in results.get("leaderboard", []) if isinstance(b, dict)]
    if board:
        parts.append("<h2>Leaderboard</h2><ul>" + "".join(
            f"<li>{html.escape(str(b.get('name')))}: {html.escape(str(b.get('value')))}</li>" for b in board) + "</ul>")
    return (f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>\n")


def write_page(folder: Path, title: str) -> Path | None:
    """Writes ``folder/feedback.html`` from ``folder/results.json`` and returns its path (None without results)."""
    try:
        results = json.loads((Path(folder) / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(results, dict):
        return None
    path = Path(folder) / FEEDBACK
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render(results, title), encoding="utf-8")
    tmp.replace(path)
    return path
