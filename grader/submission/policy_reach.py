"""Judging uses against a file's rule, in the file and in the student code it calls in other files.

``judge`` says whether one use breaks a rule. A file's rule follows the
student code the file calls, through the import graph of the student tree:
when file A uses a name of student module B (``from utils.helpers import
conv``, ``import layers.linear``, ``from . import x``, ``from ..utils import
y``), the definition of that name, and whatever it uses in B and in further
student modules, is judged by A's rule too: a use there that A's rule forbids
is reported against A, at the line of A that leads to it, naming the file and
line where it is. Only the definitions A reaches count (plus the code each
module runs on import), so a numpy-only model may call the numpy functions of
a module that also holds torch classes.
"""
from __future__ import annotations

import dataclasses
import heapq
import itertools
from fnmatch import fnmatch
from typing import NamedTuple

from grader.submission.policy_uses import (ATTRNAME, BODY, IMPORT, METHOD, NAME, PATTERN, ROUTE, VALUE, WHOLE,
                                          ModuleFacts, Use)

_ALL = "*"  # every definition of a module: the module object itself is used
_VALUE = ("a module passed around as a value takes the forbidden names below it out of the check's sight; "
          "use its attributes directly")


class Target(NamedTuple):
    """Where a dotted name leads: a student ``module`` and its top-level ``symbol`` ("" for the module itself),
    or a ``foreign`` dotted name; ``via`` is the file:line of the first student re-export on the way."""

    module: str | None
    symbol: str
    foreign: str | None
    via: str | None


class Hit(NamedTuple):
    """A use a file's rule forbids, in code the file reaches: the file's ``line``, ``via`` file:line, name, reason."""

    line: int
    via: str
    name: str
    reason: str


def judge(use: Use, forbidden: dict[str, str], methods: dict[str, str]) -> tuple[str, str] | None:
    """Returns (the name to show, the reason) if ``use`` breaks a rule of ``forbidden`` or ``methods``, else None."""
    if use.kind == ROUTE:
        return use.name, use.detail
    if use.kind == METHOD:
        return (use.name, methods[use.detail]) if use.detail in methods else None
    parts = use.name.split(".")
    if use.kind == ATTRNAME:  # operator.attrgetter("nn.functional"): a step of a forbidden path, or a method
        shown = f'{use.detail}("{use.name}")'
        if parts[0] in methods:
            return shown, methods[parts[0]]
        for name, reason in forbidden.items():
            f = name.split(".")
            if any(f[i:i + len(parts)] == parts[:len(f) - i] for i in range(1, len(f))):
                return shown, reason
        return None
    if use.kind in (NAME, IMPORT, WHOLE):
        for name, reason in forbidden.items():
            if use.name == name or use.name.startswith(name + "."):
                return use.name, reason
        if parts[0] == "torch" and len(parts) > 2 and parts[-1] in methods:  # torch.Tensor.sigmoid(x)
            return use.name, methods[parts[-1]]
        if use.detail == VALUE and any(name.startswith(use.name + ".") for name in forbidden):
            return f"{use.name} (as a value)", _VALUE
    return None


def resolve(dotted: str, modules: dict[str, ModuleFacts], via: str | None = None, depth: int = 0) -> Target:
    """Returns the Target of ``dotted`` among ``modules`` (module name -> facts), following re-exports."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        if ".".join(parts[:i]) in modules:
            break
    else:
        return Target(None, "", dotted, via)
    module, rest = ".".join(parts[:i]), parts[i:]
    if not rest:
        return Target(module, "", None, via)
    facts = modules[module]
    if rest[0] in facts.exports and depth < 16:
        target, line = facts.exports[rest[0]]
        return resolve(".".join([target, *rest[1:]]), modules, via or f"{facts.rel}:{line}", depth + 1)
    return Target(module, rest[0], None, via)


class _Walk:
    """The definitions one file reaches in the other student modules, in the order of the lines that reach them."""

    def __init__(self, origin: ModuleFacts, modules: dict[str, ModuleFacts], forbidden: dict[str, str],
                 methods: dict[str, str], computed: str):
        self.origin, self.modules = origin, modules
        self.forbidden, self.methods, self.computed = forbidden, methods, computed
        self.queue: list[tuple[int, int, str, str]] = []
        self.seen: set[tuple[str, str]] = set()
        self.order = itertools.count()
        self.hits: dict[tuple[int, str, str], Hit] = {}

    def push(self, line: int, module: str, symbol: str) -> None:
        if module != self.origin.module and (module, symbol) not in self.seen:
            heapq.heappush(self.queue, (line, next(self.order), module, symbol))

    def hit(self, line: int, via: str, use: Use) -> None:
        found = judge(use, self.forbidden, self.methods)
        if found is not None:
            self.hits.setdefault((line, via, found[0]), Hit(line, via, *found))

    def follow(self, line: int, use: Use, facts: ModuleFacts) -> None:
        """Judges or follows ``use`` of module ``facts``, reached from the origin's ``line``."""
        in_origin = facts is self.origin
        here = f"{facts.rel}:{use.line}"
        if use.kind not in (IMPORT, NAME, WHOLE, PATTERN):
            if not in_origin:
                self.hit(line, here, use)
            return
        target = resolve(use.name, self.modules)
        if target.module is not None:
            found = self.modules[target.module]
            if use.kind == IMPORT:
                self.push(line, target.module, BODY)
            elif target.symbol:
                self.push(line, target.module, target.symbol)
            elif use.kind == PATTERN:
                self.push(line, target.module, BODY)
                for symbol in sorted(found.symbols):
                    if fnmatch(symbol, use.detail):
                        self.push(line, target.module, symbol)
            else:
                self.push(line, target.module, _ALL)
            return
        if in_origin and target.via is None or not in_origin and use.kind == IMPORT:
            return  # the origin's direct uses are its own check's; a module imported elsewhere is not used yet
        via = target.via if in_origin else here
        if use.kind == PATTERN:
            self.hits.setdefault((line, via, target.foreign), Hit(
                line, via, f"getattr({target.foreign}, <computed name>)", self.computed))
        else:
            self.hit(line, via, dataclasses.replace(use, name=target.foreign, kind=NAME))

    def run(self) -> list[Hit]:
        """Returns what the origin's rule forbids in the code it reaches."""
        for use in sorted(self.origin.uses, key=lambda u: u.line):
            self.follow(use.line, use, self.origin)
        while self.queue:
            line, _, module, symbol = heapq.heappop(self.queue)
            if (module, symbol) in self.seen:
                continue
            self.seen.add((module, symbol))
            facts = self.modules[module]
            owners = facts.symbols | {BODY} if symbol == _ALL else {symbol}
            self.push(line, module, BODY)
            parent = module.rpartition(".")[0]
            if parent in self.modules:
                self.push(line, parent, BODY)
            for owner in owners:
                for name in facts.refs.get(owner, set()) & facts.symbols:
                    self.push(line, module, name)
            for use in facts.uses:
                if use.owners & owners:
                    self.follow(line, use, facts)
        return sorted(self.hits.values())


def reached_violations(origin: ModuleFacts, modules: dict[str, ModuleFacts], forbidden: dict[str, str],
                       methods: dict[str, str], computed: str) -> list[Hit]:
    """Returns the uses that ``forbidden`` and ``methods`` (the origin file's rule) forbid in the student code
    ``origin`` reaches in other modules; ``computed`` is the reason shown for a computed name of a foreign module."""
    return _Walk(origin, modules, forbidden, methods, computed).run()
