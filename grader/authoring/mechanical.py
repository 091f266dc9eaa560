"""Mechanical mutants: the standard mutation operators applied to the code students write.

Every expression or statement inside a solution block of ``solutions/`` is a
site; each operator below makes one mutant of a site, and the kit's forking
runner (``mutants.grade``) grades it with the test files of its module, like a
hand-written mutant. The operators:

- ``arithmetic``: ``+`` and ``-`` swapped, ``*`` and ``/`` swapped, ``//`` to
  ``/``, ``**`` to ``*`` (also in augmented assignments); unary ``-`` and
  ``not`` removed;
- ``comparison``: ``<``/``<=``, ``>``/``>=``, ``==``/``!=``, ``is``/``is not``,
  ``in``/``not in`` swapped; ``and``/``or`` swapped;
- ``constant``: an integer ``n`` to ``n + 1`` (``1`` to ``0``), a float ``x``
  to ``x + 1``, ``True``/``False`` swapped (``keepdims=True`` to ``False``);
- ``axis``: an ``axis=`` or ``dim=`` keyword dropped;
- ``reduction``: ``sum``/``mean`` and ``max``/``min`` swapped;
- ``slice``: one bound of a slice dropped;
- ``statement``: a statement with a side effect (a call, an augmented
  assignment, an assignment to an attribute or an item) replaced by ``pass``.

The fields of f-strings are left alone: they change only a message's text.

A mutant's key names its file, function and the line before and after
(``layers/losses.py::softmax: e = ... => e = ...``): it survives edits
elsewhere in the file. A mutant that no test can tell from the solution is
listed, with the reason, in ``tests/mutants/equivalent.txt``; the kill rate
counts the others.
"""
from __future__ import annotations

import ast
import copy
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from grader.authoring import mutants as runner
from grader.authoring.single_source import parse_blocks
from grader.contract import SOLUTIONS, test_glob

EQUIVALENT = runner.MUTANTS / "equivalent.txt"

_SWAP_BINOP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
               ast.FloorDiv: ast.Div, ast.Pow: ast.Mult}
_SWAP_CMP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
             ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
_SWAP_NAME = {"sum": "mean", "mean": "sum", "max": "min", "min": "max", "amax": "amin", "amin": "amax"}
_AXIS_KEYWORDS = {"axis", "dim"}


@dataclass(frozen=True)
class Site:
    """One mechanical mutant: ``text`` is the whole mutated file."""

    key: str
    operator: str
    target: str
    line: int
    text: str


def _offsets(source: str) -> list[int]:
    """Returns the character offset where each (1-based) line of ``source`` starts."""
    starts = [0, 0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


class _Sites(ast.NodeVisitor):
    """Collects (node, replacement text, operator) for every site inside the given line ranges."""

    def __init__(self, ranges: list[tuple[int, int]]):
        self.ranges = ranges
        self.found: list[tuple[ast.AST, str, str, str]] = []  # node, new text, operator, qualname
        self.scope: list[str] = []

    def inside(self, node: ast.AST) -> bool:
        line = getattr(node, "lineno", None)
        return line is not None and any(begin < line < end for begin, end in self.ranges)

    def add(self, node: ast.AST, new: ast.AST | str, operator: str) -> None:
        text = new if isinstance(new, str) else ast.unparse(new)
        self.found.append((node, text, operator, ".".join(self.scope) or "<module>"))

    def _scoped(self, node):
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_ClassDef = _scoped

    def generic_visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.JoinedStr):
            return  # an f-string's fields change only the text of a message
        if self.inside(node):
            self.mutate(node)
        super().generic_visit(node)

    def mutate(self, node: ast.AST) -> None:
        if isinstance(node, ast.BinOp) and type(node.op) in _SWAP_BINOP:
            new = copy.copy(node)
            new.op = _SWAP_BINOP[type(node.op)]()
            self.add(node, new, "arithmetic")
        elif isinstance(node, ast.AugAssign) and type(node.op) in _SWAP_BINOP:
            new = copy.copy(node)
            new.op = _SWAP_BINOP[type(node.op)]()
            self.add(node, ast.unparse(new), "arithmetic")
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
            self.add(node, node.operand, "arithmetic")
        elif isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in _SWAP_CMP:
                    new = copy.copy(node)
                    new.ops = list(node.ops)
                    new.ops[i] = _SWAP_CMP[type(op)]()
                    self.add(node, new, "comparison")
        elif isinstance(node, ast.BoolOp):
            new = copy.copy(node)
            new.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            self.add(node, new, "comparison")
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                self.add(node, repr(not value), "constant")
            elif isinstance(value, int):
                self.add(node, repr(0 if value == 1 else value + 1), "constant")
            elif isinstance(value, float):
                self.add(node, repr(value + 1.0), "constant")
        elif isinstance(node, ast.Call):
            for i, keyword in enumerate(node.keywords):
                if keyword.arg in _AXIS_KEYWORDS:
                    new = copy.copy(node)
                    new.keywords = node.keywords[:i] + node.keywords[i + 1:]
                    self.add(node, new, "axis")
            name = node.func
            if isinstance(name, ast.Attribute) and name.attr in _SWAP_NAME:
                new = copy.copy(node)
                new.func = copy.copy(name)
                new.func.attr = _SWAP_NAME[name.attr]
                self.add(node, new, "reduction")
        elif isinstance(node, ast.Slice):
            for bound in ("lower", "upper"):
                if getattr(node, bound) is not None:
                    new = copy.copy(node)
                    setattr(new, bound, None)
                    self.add(node, ast.unparse(new), "slice")
        if isinstance(node, ast.stmt) and _has_side_effect(node):
            self.add(node, "pass", "statement")


def _has_side_effect(stmt: ast.stmt) -> bool:
    """True for the statements whose removal is a bug and not a NameError: calls, ``+=``, attribute or item stores."""
    if isinstance(stmt, ast.Expr):
        return isinstance(stmt.value, ast.Call)
    if isinstance(stmt, ast.AugAssign):
        return True
    if isinstance(stmt, ast.Assign):
        return all(isinstance(t, (ast.Attribute, ast.Subscript)) for t in stmt.targets)
    return False


def sites(target: str, source: str) -> list[Site]:
    """Returns every mechanical mutant of solution file ``target`` (its text ``source``), in source order."""
    blocks = parse_blocks(source, target)
    if not blocks:
        return []
    visitor = _Sites([(b.begin, b.end) for b in blocks])
    visitor.visit(ast.parse(source))
    starts = _offsets(source)
    lines = source.splitlines()
    found, seen = [], defaultdict(int)
    for node, new, operator, qualname in visitor.found:
        begin = starts[node.lineno] + node.col_offset
        end = starts[node.end_lineno] + node.end_col_offset
        atom = isinstance(node, (ast.Constant, ast.Slice)) or re.fullmatch(r"[\w.]+", new)
        if isinstance(node, ast.expr) and not atom and not (source[begin - 1:begin] == "(" and source[end:end + 1] == ")"):
            new = f"({new})"  # keeps the mutated expression's precedence in any context
        text = source[:begin] + new + source[end:]
        try:
            ast.parse(text)
        except SyntaxError:
            continue
        after = text.splitlines()[node.lineno - 1].strip()
        key = f"{target}::{qualname}: {lines[node.lineno - 1].strip()} => {after}"
        seen[key] += 1
        if seen[key] > 1:
            key += f" #{seen[key]}"
        found.append(Site(key, operator, target, node.lineno, text))
    return found


def discover(solutions: Path = SOLUTIONS) -> list[Site]:
    """Returns the mechanical mutants of every solution file."""
    out = []
    for path in sorted(solutions.rglob("*.py")):
        out.extend(sites(path.relative_to(solutions).as_posix(), path.read_text()))
    return out


def read_equivalent(path: Path = EQUIVALENT) -> dict[str, str]:
    """Returns {key: reason} from the reviewed list: a key line, then its reason indented on the next line(s)."""
    if not path.exists():
        return {}
    entries: dict[str, str] = {}
    key = None
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith((" ", "\t")):
            if key is None:
                raise ValueError(f"{path}:{number}: a reason before any mutant key")
            entries[key] = (entries[key] + " " + line.strip()).strip()
        else:
            key = line.rstrip()
            entries[key] = ""
    unexplained = [k for k, reason in entries.items() if not reason]
    if unexplained:
        raise ValueError(f"{path}: every equivalent mutant needs a reason; none for {unexplained[0]!r}")
    return entries


def as_mutant(site: Site) -> runner.Mutant:
    """Returns ``site`` as a mutant the forking runner grades."""
    return runner.Mutant(name=site.key, path=None, target=site.target, tests=[test_glob(site.target)],
                         doc=site.operator, text=site.text)


def run(only: str | None = None, jobs: int = 2) -> int:
    """Grades every mechanical mutant (those whose key contains ``only``); prints progress, the rates and survivors."""
    equivalent = read_equivalent()
    every = discover()
    stale = sorted(set(equivalent) - {s.key for s in every})
    chosen = [s for s in every if (not only or only in s.key) and s.key not in equivalent]
    print(f"{len(every)} mechanical mutants; {len(equivalent)} listed as equivalent in "
          f"{EQUIVALENT.relative_to(runner.REPO)}; grading {len(chosen)} with {jobs} worker(s)", flush=True)
    start = time.monotonic()
    by_module: dict[str, list[runner.Outcome]] = defaultdict(list)
    sites_by_key = {s.key: s for s in chosen}
    for n, outcome in enumerate(runner.grade([as_mutant(s) for s in chosen], jobs), start=1):
        by_module[outcome.mutant.target].append(outcome)
        if outcome.verdict != "killed" or n % 25 == 0 or n == len(chosen):
            print(f"[{n:4d}/{len(chosen)}] {outcome.verdict:8s} {outcome.mutant.name}"
                  f" (line {sites_by_key[outcome.mutant.name].line})", flush=True)
    print(f"\n{'module':32s} {'killed':>7s} {'graded':>7s} {'rate':>6s} {'equivalent':>10s}")
    total_killed = total = 0
    for target in sorted(by_module):
        outcomes = by_module[target]
        killed = sum(o.verdict == "killed" for o in outcomes)
        same = sum(k.startswith(target + "::") for k in equivalent)
        total_killed, total = total_killed + killed, total + len(outcomes)
        print(f"{target:32s} {killed:7d} {len(outcomes):7d} {100 * killed / len(outcomes):5.1f}% {same:10d}")
    if total:
        print(f"{'total':32s} {total_killed:7d} {total:7d} {100 * total_killed / total:5.1f}% "
              f"{len(equivalent):10d}   in {time.monotonic() - start:.0f} s")
    survivors = sorted((o for outs in by_module.values() for o in outs if o.verdict != "killed"),
                       key=lambda o: o.mutant.name)
    if survivors:
        print(f"\n{len(survivors)} survived or errored (kill each with a test, or list it with its reason in "
              f"{EQUIVALENT.relative_to(runner.REPO)}):")
        for o in survivors:
            print(f"  {o.verdict.upper()}: {o.mutant.name}" + (f"\n    {o.detail}" if o.verdict == "error" else ""))
    for key in stale:
        print(f"  STALE equivalent entry (no such mutant now): {key}")
    return 0 if total and total_killed / total >= 0.95 and not stale else 1


def main(args) -> int:
    """``python -m grader mutants --mechanical [--only TEXT] [--jobs N]``."""
    return run(only=args.only, jobs=args.jobs)
