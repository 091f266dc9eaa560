"""Similarity screening of a class's submissions: which pairs share code beyond the skeleton (copydetect).

Every pair of submissions is compared with all the code each holds: every
``.py`` file of one against every ``.py`` file of the other, so code moved into
a helper module of the student's own (``layers/my_helpers.py``) or into another
file is found where it went. copydetect's winnowing: each file is tokenized
(names become ``V``, ``F`` or ``O``, strings ``S``, comments and blanks go), its
k-grams of ``NOISE`` tokens are hashed, and each file is fingerprinted once.
Every fingerprint that occurs anywhere in the skeleton (``student/``) is
boilerplate and never counted: a student who submitted only the skeleton shares
nothing with anyone.

A pair's similarity is, for each side, its tokens found anywhere in the other
submission (summed over its files) over its counted tokens (summed over its
files), and the larger of the two sides: a student who copied one file and
wrote nothing else is at 1.0 with the classmate they copied it from.

- ``similarity.csv``: one row per pair at or above the threshold: ``a``, ``b``,
  ``similarity``, ``files``: each two files that share code and the similarity
  of the two (``layers/linear.py 1.00; layers/conv.py <-> layers/helpers.py
  0.97``: a path alone where both have the file at the same path).
- ``similarity.html``: the same pairs, and the code of the top ones side by
  side with the copied regions marked; one page, no external resource.

A similarity is a screening signal for a human to look at, never a verdict:
short files and the idioms of the course match between honest students too.
"""
from __future__ import annotations

import argparse
import html
import itertools
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

import numpy as np
from copydetect import CodeFingerprint, compare_files, defaults
from copydetect.utils import get_copied_slices

from grader.authoring.classgrading.gradebook import write_csv
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
BETWEEN = " <-> "
"""Between the paths of two files that share code, where the paths differ."""


@dataclass(frozen=True)
class Copied:
    """Two files of a pair: their label (see ``label``), both students' code, and the copied regions of each as
    (start, end) offsets."""

    path: str
    code: tuple[str, str]
    regions: tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]


@dataclass(frozen=True)
class Pair:
    """Two submissions that share code beyond the skeleton.

    ``similarity`` in [0, 1] (see the module docstring); ``files``: (label of
    two files, one of each, that share code (see ``label``), similarity of the
    two) for every such two, most similar first; ``copied``: the code of those
    files with the copied regions, kept for the top pairs at or above the
    screen's threshold (empty otherwise).
    """

    a: str
    b: str
    similarity: float
    files: tuple[tuple[str, float], ...]
    copied: tuple[Copied, ...] = field(default=(), compare=False, repr=False)
    identical: int = 0
    """Files of ``files`` (with code beyond the skeleton) that are the same text in both: between pairs of equal
    similarity, exact copies come first (the tokenizer sees ``np.sum`` and ``np.mean`` alike)."""


def _order(pair: Pair) -> tuple:
    return -pair.similarity, -pair.identical, pair.a, pair.b


def label(path_a: str, path_b: str) -> str:
    """Returns how two files that share code are named: the path where both are at the same, else both paths."""
    return path_a if path_a == path_b else f"{path_a}{BETWEEN}{path_b}"


def _python_files(root: Path, only: Sequence[str] | None = None, course: set[str] = frozenset()) -> dict[str, Path]:
    """Returns relative path -> file of the ``.py`` files under ``root``; with ``only``, those in it and those
    not in ``course`` (the student's own modules), the other files of the course left out."""
    files = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*.py"))
             if p.is_file() and not p.is_symlink() and "__pycache__" not in p.parts}
    wanted = set(files) if only is None else set(only) | (set(files) - set(course))
    return {rel: p for rel, p in files.items() if rel in wanted}


@dataclass(frozen=True)
class Code:
    """One submission's fingerprinted ``.py`` files, every fingerprint they hold, and each -> the files with it."""

    files: dict[str, CodeFingerprint]
    hashes: frozenset[int]
    holders: dict[int, tuple[str, ...]]

    @classmethod
    def of(cls, files: dict[str, CodeFingerprint]) -> Code:
        holders: dict[int, tuple[str, ...]] = {}
        for rel, fp in files.items():
            for h in fp.hashes:
                holders[h] = holders.get(h, ()) + (rel,)
        return cls(files, frozenset(holders), holders)


def _fingerprint(path: Path, boilerplate: np.ndarray, window: int = WINDOW) -> CodeFingerprint | None:
    """Returns the file's fingerprints less the boilerplate, or None for a file that is not UTF-8 text."""
    try:
        return CodeFingerprint(str(path), NOISE, window, boilerplate)
    except (UnicodeDecodeError, OSError):
        return None


def _boilerplate(skeleton: Path) -> np.ndarray:
    """Returns every fingerprint of the skeleton's ``.py`` files (all k-grams: a window of 1, as copydetect)."""
    prints = [_fingerprint(p, np.array([]), window=1) for p in _python_files(skeleton).values()]
    return np.unique(np.array([h for fp in prints if fp is not None for h in fp.hashes], dtype=np.int64))


def _at(fp: CodeFingerprint, hashes) -> set[int]:
    """Returns where in ``fp``'s code the fingerprints ``hashes`` are."""
    return set(itertools.chain.from_iterable(map(fp.hash_idx.__getitem__, hashes)))


def _tokens(fp: CodeFingerprint, at: set[int]) -> int:
    """Returns the tokens of ``fp`` in the runs of ``k`` tokens that start at ``at``, each counted once (what
    copydetect counts as copied)."""
    if not at:
        return 0
    starts, ends = get_copied_slices(np.array(sorted(at)), fp.k)
    return int(np.sum(ends - starts))


def _share(fp: CodeFingerprint, at: set[int]) -> float:
    return _tokens(fp, at) / fp.token_coverage if fp.token_coverage > 0 else 0.0


def _matches(left: Code, right: Code) -> list[tuple[str, str, float]]:
    """Returns (path in left, path in right, similarity of the two files: the larger share of a file found in the
    other, as copydetect's) of the two files that share code, most similar first (ties by label): every two
    whose shared code, on each side, is not all shared already by more similar two holding that file (two copies
    of the course list each file once, not the idioms their other files share with it; code moved or split
    into other files is listed where it went)."""
    candidates = []
    for rel_a, fa in left.files.items():
        for rel_b in sorted({rel_b for h in fa.hashes & right.hashes for rel_b in right.holders[h]}):
            fb = right.files[rel_b]
            shared = fa.hashes & fb.hashes
            at_a, at_b = _at(fa, shared), _at(fb, shared)
            similarity = float(min(1.0, max(_share(fa, at_a), _share(fb, at_b))))
            candidates.append((-similarity, label(rel_a, rel_b), rel_a, rel_b, at_a, at_b))
    found, seen_a, seen_b = [], {}, {}
    for minus, _, rel_a, rel_b, at_a, at_b in sorted(candidates, key=lambda c: c[:2]):
        new_a, new_b = at_a - seen_a.get(rel_a, set()), at_b - seen_b.get(rel_b, set())
        if new_a and new_b:
            found.append((rel_a, rel_b, -minus))
            seen_a[rel_a] = seen_a.get(rel_a, set()) | new_a
            seen_b[rel_b] = seen_b.get(rel_b, set()) | new_b
    return found


def _compare(a: str, b: str, left: Code, right: Code) -> Pair:
    """Returns the pair of two fingerprinted submissions (similarity 0 when they share nothing)."""
    matches = _matches(left, right)
    sides = []
    for mine, other in ((left, right), (right, left)):
        counted = sum(fp.token_coverage for fp in mine.files.values())
        found = sum(_tokens(fp, _at(fp, fp.hashes & other.hashes)) for fp in mine.files.values()) if matches else 0
        sides.append(found / counted if counted > 0 else 0.0)
    identical = sum(left.files[rel_a].raw_code == right.files[rel_b].raw_code for rel_a, rel_b, _ in matches)
    files = tuple((label(rel_a, rel_b), s) for rel_a, rel_b, s in matches)
    return Pair(a, b, float(min(1.0, max(sides))), files, identical=identical)


def _copied(pair: Pair, left: Code, right: Code) -> Pair:
    """Returns the pair with the code and copied regions of its files."""
    copied = []
    for rel_a, rel_b, _ in _matches(left, right):
        fa, fb = left.files[rel_a], right.files[rel_b]
        _, _, slices = compare_files(fa, fb)
        in_a, in_b = (tuple((int(s), int(e)) for s, e in zip(*side)) for side in slices)
        copied.append(Copied(label(rel_a, rel_b), (fa.raw_code, fb.raw_code), (in_a, in_b)))
    return replace(pair, copied=tuple(copied))


def screen(students: list[tuple[str, Path]], skeleton: Path, threshold: float = THRESHOLD,
           only: Sequence[str] | None = None) -> list[Pair]:
    """Returns the pairs of ``students`` that share code beyond ``skeleton``, most similar first (ties by ids).

    Each pair has ``a`` < ``b``; pairs of similarity 0 are left out.
    students: (id, root of that student's code: the folder holding layers/,
    models/, ...), the ids unique. skeleton: the code every student starts
    from, all of it boilerplate. only: the files of the course compared
    (default: every ``.py`` file); a file the skeleton does not have (a module
    of the student's own) is compared whatever ``only`` says. The first
    ``MAX_SHOWN`` pairs at or above ``threshold`` carry their copied code
    (``Pair.copied``). Each file is fingerprinted once.
    """
    ids = [i for i, _ in students]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"screen: each student needs a unique id; {', '.join(twice)} appear more than once")
    boilerplate = _boilerplate(Path(skeleton))
    course = set(_python_files(Path(skeleton)))
    prints = {}
    for sid, root in students:
        found = {rel: _fingerprint(path, boilerplate) for rel, path in _python_files(Path(root), only, course).items()}
        prints[sid] = Code.of({rel: fp for rel, fp in found.items() if fp is not None})
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
    what = ("every .py file" if files is None
            else f"{len(files)} files of the course ({', '.join(files)}) and every .py file of the student's own")
    return (f"Compared {who} pair by pair, every file of one with every file of the other ({what}), so code moved "
            "to another file or a new module is found where it went, with every file of the skeleton students start "
            f"from as boilerplate: code the skeleton holds is never counted. {len(pairs)} pairs share code beyond "
            f"it; the pairs at or above the threshold of {threshold:.2f} are listed, most similar first. A pair's "
            "similarity is the share of one submission's code found in the other (the larger of the two shares). "
            "Similarity is a screening signal for a human to look at, not a verdict: short files and the idioms "
            "of the course match between honest students too.")


def _write_csv(path: Path, listed: list[Pair]) -> None:
    write_csv(path, ["a", "b", "similarity", "identical files", "files"],
              [{"a": p.a, "b": p.b, "similarity": f"{p.similarity:.4f}", "identical files": p.identical,
                "files": _files_text(p)} for p in listed])


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
    """Returns the pair's anchor on the page: its ids around a ``~``, which no id holds (ids may hold ``--``)."""
    return html.escape(f"{pair.a}~{pair.b}")


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
