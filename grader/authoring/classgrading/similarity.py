"""Similarity screening of a class's submissions: which pairs share code beyond the skeleton (copydetect).

Every pair of submissions is compared file by file (the same path, ``.py``
files only) with copydetect's winnowing: each file is tokenized (names become
``V``, ``F`` or ``O``, strings ``S``, comments and blanks go), its k-grams of
``NOISE`` tokens are hashed, and each file is fingerprinted once. Every
fingerprint that occurs anywhere in the skeleton (``student/``) is boilerplate
and never counted: a student who submitted only the skeleton shares nothing
with anyone.

A pair's similarity is, for each side, its tokens found in the other
submission (summed over the files) over its counted tokens (summed over its
files), and the larger of the two sides: a student who copied one file and
wrote nothing else is at 1.0 with the classmate they copied it from.

- ``similarity.csv``: one row per pair at or above the threshold: ``a``, ``b``,
  ``similarity``, ``files`` (``layers/linear.py 1.00; models/mlp.py 0.62``).
- ``similarity.html``: the same pairs, and the code of the top ones side by
  side with the copied regions marked; one page, no external resource.

A similarity is a screening signal for a human to look at, never a verdict:
short files and the idioms of the course match between honest students too.
"""
from __future__ import annotations

import argparse
import csv
import html
import itertools
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

import numpy as np
from copydetect import CodeFingerprint, compare_files, defaults

from grader.authoring.classgrading.submissions import ClassError, Student, find_students
from grader.contract import STUDENT
from grader.course import CourseError, assignment
from grader.grading.intake import SubmissionError, extract

CSV, HTML = "similarity.csv", "similarity.html"
THRESHOLD = 0.5
"""The similarity at or above which a pair is listed, unless the command says otherwise."""
NOISE = defaults.NOISE_THRESHOLD
"""Tokens of the shortest run counted as shared (copydetect's default)."""
WINDOW = defaults.GUARANTEE_THRESHOLD - NOISE + 1
"""copydetect's winnowing window: every run of ``GUARANTEE_THRESHOLD`` tokens shared is found."""
MAX_SHOWN = 20
"""Pairs whose code the page shows side by side."""
TOP_PRINTED = 5


@dataclass(frozen=True)
class Copied:
    """One file of a pair: its path, both students' code, and the copied regions of each as (start, end) offsets."""

    path: str
    code: tuple[str, str]
    regions: tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]


@dataclass(frozen=True)
class Pair:
    """Two submissions that share code beyond the skeleton.

    ``similarity`` in [0, 1] (see the module docstring); ``files``: (path,
    similarity of that file pair) for every file with any overlap, most similar
    first; ``copied``: the code of those files with the copied regions, kept
    for the top pairs at or above the screen's threshold (empty otherwise).
    """

    a: str
    b: str
    similarity: float
    files: tuple[tuple[str, float], ...]
    copied: tuple[Copied, ...] = field(default=(), compare=False, repr=False)
    identical: int = 0
    """Files (with code beyond the skeleton) that are the same text in both: between pairs of equal similarity,
    exact copies come first (the tokenizer sees ``np.sum`` and ``np.mean`` alike)."""


def _order(pair: Pair) -> tuple:
    return -pair.similarity, -pair.identical, pair.a, pair.b


def _python_files(root: Path, only: Sequence[str] | None) -> dict[str, Path]:
    """Returns relative path -> file of the ``.py`` files under ``root`` (those in ``only`` when given)."""
    files = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*.py"))
             if p.is_file() and not p.is_symlink() and "__pycache__" not in p.parts}
    wanted = set(files) if only is None else set(only)
    return {rel: p for rel, p in files.items() if rel in wanted}


def _fingerprint(path: Path, boilerplate: np.ndarray, window: int = WINDOW) -> CodeFingerprint | None:
    """Returns the file's fingerprints less the boilerplate, or None for a file that is not UTF-8 text."""
    try:
        return CodeFingerprint(str(path), NOISE, window, boilerplate)
    except (UnicodeDecodeError, OSError):
        return None


def _boilerplate(skeleton: Path) -> np.ndarray:
    """Returns every fingerprint of the skeleton's ``.py`` files (all k-grams: a window of 1, as copydetect)."""
    prints = [_fingerprint(p, np.array([]), window=1) for p in _python_files(skeleton, None).values()]
    return np.unique(np.array([h for fp in prints if fp is not None for h in fp.hashes], dtype=np.int64))


def _compare(a: str, b: str, left: dict[str, CodeFingerprint], right: dict[str, CodeFingerprint]) -> Pair:
    """Returns the pair of two fingerprinted submissions (similarity 0 when they share nothing)."""
    overlap, files, identical = [0, 0], [], 0
    for rel in sorted(left.keys() & right.keys()):
        fa, fb = left[rel], right[rel]
        shared, (share_a, share_b), _ = compare_files(fa, fb)
        if shared == 0:
            continue
        overlap[0] += round(share_a * fa.token_coverage)
        overlap[1] += round(share_b * fb.token_coverage)
        files.append((rel, float(min(1.0, max(share_a, share_b)))))
        identical += getattr(fa, "raw_code", None) is not None and fa.raw_code == getattr(fb, "raw_code", None)
    counted = (sum(fp.token_coverage for fp in left.values()), sum(fp.token_coverage for fp in right.values()))
    sides = [o / c if c > 0 else 0.0 for o, c in zip(overlap, counted)]
    files.sort(key=lambda f: (-f[1], f[0]))
    return Pair(a, b, float(min(1.0, max(sides))), tuple(files), identical=identical)


def _copied(pair: Pair, left: dict[str, CodeFingerprint], right: dict[str, CodeFingerprint]) -> Pair:
    """Returns the pair with the code and copied regions of its files."""
    copied = []
    for rel, _ in pair.files:
        fa, fb = left[rel], right[rel]
        _, _, slices = compare_files(fa, fb)
        in_a, in_b = (tuple((int(s), int(e)) for s, e in zip(*side)) for side in slices)
        copied.append(Copied(rel, (fa.raw_code, fb.raw_code), (in_a, in_b)))
    return replace(pair, copied=tuple(copied))


def screen(students: list[tuple[str, Path]], skeleton: Path, threshold: float = THRESHOLD,
           only: Sequence[str] | None = None) -> list[Pair]:
    """Returns the pairs of ``students`` that share code beyond ``skeleton``, most similar first (ties by ids).

    Each pair has ``a`` < ``b``; pairs of similarity 0 are left out.
    students: (id, root of that student's code: the folder holding layers/,
    models/, ...), the ids unique. skeleton: the code every student starts
    from, all of it boilerplate. only: the relative paths compared (default:
    every ``.py`` file). The first ``MAX_SHOWN`` pairs at or above
    ``threshold`` carry their copied code (``Pair.copied``). Each file is
    fingerprinted once.
    """
    ids = [i for i, _ in students]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"screen: each student needs a unique id; {', '.join(twice)} appear more than once")
    boilerplate = _boilerplate(Path(skeleton))
    prints = {}
    for sid, root in students:
        found = {rel: _fingerprint(path, boilerplate) for rel, path in _python_files(Path(root), only).items()}
        prints[sid] = {rel: fp for rel, fp in found.items() if fp is not None}
    pairs = [_compare(a, b, prints[a], prints[b]) for a, b in itertools.combinations(sorted(ids), 2)]
    pairs = sorted((p for p in pairs if p.similarity > 0), key=_order)
    shown = [p for p in pairs if p.similarity >= threshold][:MAX_SHOWN]
    return [_copied(p, prints[p.a], prints[p.b]) for p in shown] + pairs[len(shown):]


def extract_all(students: list[Student], work: Path) -> list[tuple[str, Path]]:
    """Returns (id, root of the code) of each submission extracted under ``work``; one that cannot be extracted
    is skipped with a printed line saying which and why."""
    Path(work).mkdir(parents=True, exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="similarity-", dir=work))
    extracted = []
    for student in students:
        try:
            extracted.append((student.id, extract(student.path, base / student.id / "code").root))
        except SubmissionError as exc:
            print(f"similarity: skipped {student.id} ({student.path.name}): {exc}")
    return extracted


def screen_students(students: list[Student], skeleton: Path, threshold: float, only: list[str] | None,
                    work: Path) -> list[Pair]:
    """Returns ``screen`` of the submissions of ``students``, each extracted under ``work`` (see ``extract_all``)."""
    return screen(extract_all(students, work), skeleton, threshold, only)


def _files_text(pair: Pair) -> str:
    """Returns the per-file similarities as ``layers/linear.py 1.00; models/mlp.py 0.62``."""
    return "; ".join(f"{rel} {s:.2f}" for rel, s in pair.files)


def _scope(pairs: list[Pair], threshold: float, submissions: int | None, files: Sequence[str] | None) -> str:
    """Returns the sentence saying what was compared and what a similarity means."""
    who = f"{submissions} submissions" if submissions is not None else "the submissions"
    what = "every .py file" if files is None else f"{len(files)} files ({', '.join(files)})"
    return (f"Compared {who} pair by pair, file by file ({what}), with every file of the skeleton students start "
            f"from as boilerplate: code the skeleton holds is never counted. {len(pairs)} pairs share code beyond "
            f"it; the pairs at or above the threshold of {threshold:.2f} are listed, most similar first. A pair's "
            "similarity is the share of one submission's code found in the other (the larger of the two shares). "
            "Similarity is a screening signal for a human to look at, not a verdict: short files and the idioms "
            "of the course match between honest students too.")


def _write_csv(path: Path, listed: list[Pair]) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["a", "b", "similarity", "identical files", "files"])
        for p in listed:
            writer.writerow([p.a, p.b, f"{p.similarity:.4f}", p.identical, _files_text(p)])


def _marked(code: str, regions: tuple[tuple[int, int], ...]) -> str:
    """Returns ``code`` escaped for HTML with its copied regions in ``<mark>`` (each character once, even where
    copydetect's regions overlap)."""
    parts, at = [], 0
    for start, end in regions:
        start = max(start, at)
        parts += [html.escape(code[at:start]), "<mark>", html.escape(code[start:end]), "</mark>"]
        at = max(at, end)
    return "".join(parts) + html.escape(code[at:])


def _anchor(pair: Pair) -> str:
    return html.escape(f"{pair.a}--{pair.b}")


def _side_by_side(pair: Pair) -> str:
    e = html.escape
    parts = [f'<section id="{_anchor(pair)}"><h2>{e(pair.a)} and {e(pair.b)}: {pair.similarity:.2f}</h2>']
    for (rel, similarity), copied in zip(pair.files, pair.copied):
        parts.append(f"<h3>{e(rel)}: {similarity:.2f}</h3><div class=\"sides\">")
        for who, code, regions in zip((pair.a, pair.b), copied.code, copied.regions):
            parts.append(f"<div><h4>{e(who)}</h4><pre>{_marked(code, regions)}</pre></div>")
        parts.append("</div>")
    return "\n".join(parts) + "</section>"


_STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:110em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:1em}
pre{background:#f6f6f6;padding:.6em;overflow:auto;font-size:.8em;max-height:40em}
mark{background:#ffd54f}.none{font-weight:bold}"""


def _link(pair: Pair) -> str:
    return f'<a href="#{_anchor(pair)}">the code</a>' if pair.copied else ""


def _page(pairs: list[Pair], listed: list[Pair], threshold: float, scope: str) -> str:
    e = html.escape
    if listed:
        rows = "\n".join(f"<tr><td>{n}</td><td>{e(p.a)}</td><td>{e(p.b)}</td><td>{p.similarity:.4f}</td>"
                         f"<td>{e(_files_text(p))}</td><td>{_link(p)}</td></tr>"
                         for n, p in enumerate(listed, start=1))
        head = "<tr><th>#</th><th>a</th><th>b</th><th>similarity</th><th>files</th><th></th></tr>"
        body = f"<table>{head}\n{rows}</table>"
        body += "\n".join(_side_by_side(p) for p in listed[:MAX_SHOWN] if p.copied)
    else:
        top = f" (the most similar pair is at {pairs[0].similarity:.2f})" if pairs else ""
        body = f'<p class="none">No pair is at or above the threshold of {threshold:.2f}{top}.</p>'
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Similarity screening</title>'
            f"<style>{_STYLE}</style></head><body><h1>Similarity screening</h1>\n<p>{e(scope)}</p>\n{body}\n"
            "</body></html>\n")


def write(out: Path, pairs: list[Pair], threshold: float, *, submissions: int | None = None,
          files: Sequence[str] | None = None) -> None:
    """Writes ``similarity.csv`` and ``similarity.html`` into ``out`` (created) for the pairs at or above
    ``threshold``; ``submissions`` and ``files``: what was compared, for the page's sentence."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    listed = sorted((p for p in pairs if p.similarity >= threshold), key=_order)
    _write_csv(out / CSV, listed)
    scope = _scope(pairs, threshold, submissions, files)
    (out / HTML).write_text(_page(sorted(pairs, key=_order), listed, threshold, scope), encoding="utf-8")


def main(args: argparse.Namespace) -> int:
    """``python -m grader similarity SUBMISSIONS --out DIR [--threshold T] [--assignment NAME]``."""
    if not 0 <= args.threshold <= 1:
        print(f"similarity: --threshold must be between 0 and 1, got {args.threshold}")
        return 2
    try:
        only = list(assignment(args.assignment).required) if args.assignment else None
        with tempfile.TemporaryDirectory(prefix="similarity-") as tmp:
            students = find_students(Path(args.submissions), work=Path(tmp))
            compared = extract_all(students, Path(tmp))
            pairs = screen(compared, STUDENT, args.threshold, only)
    except (ClassError, CourseError) as exc:
        print(f"similarity: {exc}")
        return 1
    out = Path(args.out)
    write(out, pairs, args.threshold, submissions=len(compared), files=only)
    above = sum(p.similarity >= args.threshold for p in pairs)
    print(f"similarity: {len(compared)} submissions compared; pairs sharing code beyond the skeleton: {len(pairs)}, "
          f"at or above {args.threshold:.2f}: {above}")
    for p in pairs[:TOP_PRINTED]:
        print(f"  {p.similarity:.4f}  {p.a}  {p.b}  {_files_text(p)}")
    print(f"similarity: wrote {out / CSV} and {out / HTML}")
    return 0
