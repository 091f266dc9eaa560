"""The forbidden-API policy: which names each student file may not use (configs/policy.yaml).

``python -m grader policy PATH`` reports file, line and name of every use and
exits non-zero when there is one. Imports, aliases, attribute chains,
``getattr(module, "name")`` and ``importlib.import_module("name")`` are resolved
statically; nothing is imported or run.
"""
from __future__ import annotations

import argparse
import ast
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from grader.contract import CONFIGS
from grader.yamlfile import read_yaml

DEFAULT_POLICY = CONFIGS / "policy.yaml"
_SELF_NAMES = {"self", "cls"}


class PolicyError(ValueError):
    """The policy file itself is malformed."""


@dataclass(frozen=True)
class Violation:
    """One use of a forbidden name."""

    path: str
    line: int
    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.name} is not allowed here: {self.reason}"


@dataclass
class Policy:
    """Forbidden dotted names per file glob, and forbidden tensor methods."""

    files: dict[str, dict[str, str]]
    methods: dict[str, str]

    def forbidden_for(self, rel: str) -> dict[str, str]:
        """Returns the forbidden names (with reasons) that apply to file ``rel``."""
        rules: dict[str, str] = {}
        for pattern, names in self.files.items():
            if fnmatch(rel, pattern):
                rules.update(names)
        return rules


def load_policy(path: Path = DEFAULT_POLICY) -> Policy:
    """Returns the policy in ``path``; raises PolicyError naming what is malformed."""
    data = read_yaml(path, PolicyError, "policy") or {}
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: expected a mapping with keys files and methods")
    unknown = set(data) - {"files", "methods"}
    if unknown:
        raise PolicyError(f"{path}: unknown key(s) {sorted(unknown)}; valid keys: files, methods")
    files = data.get("files") or {}
    for pattern, names in files.items():
        if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
            raise PolicyError(f"{path}: files.{pattern} must map dotted names to the reason shown to students")
    methods = data.get("methods") or {}
    if not isinstance(methods, dict):
        raise PolicyError(f"{path}: methods must map method names to reasons")
    return Policy(files=files, methods=methods)


class _Resolver(ast.NodeVisitor):
    """Walks one module and records every forbidden name it uses."""

    def __init__(self, rel: str, forbidden: dict[str, str], methods: dict[str, str]):
        self.rel, self.forbidden, self.methods = rel, forbidden, methods
        self.aliases: dict[str, str] = {}
        self.found: dict[tuple[int, str], Violation] = {}

    def _match(self, dotted: str) -> str | None:
        for name in self.forbidden:
            if dotted == name or dotted.startswith(name + "."):
                return name
        return None

    def _report(self, line: int, dotted: str) -> None:
        rule = self._match(dotted)
        if rule is not None:
            self.found.setdefault((line, dotted), Violation(self.rel, line, dotted, self.forbidden[rule]))

    def _dotted(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self._dotted(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            self._report(node.lineno, a.name)
            if a.asname:
                self.aliases[a.asname] = a.name
            else:
                top = a.name.split(".")[0]
                self.aliases[top] = top

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return
        self._report(node.lineno, node.module)
        for a in node.names:
            if a.name == "*":
                continue
            full = f"{node.module}.{a.name}"
            self._report(node.lineno, full)
            self.aliases[a.asname or a.name] = full

    def visit_Attribute(self, node: ast.Attribute) -> None:
        dotted = self._dotted(node)
        if dotted is not None:
            self._report(node.lineno, dotted)
            return
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in self.aliases:
            self._report(node.lineno, self.aliases[node.id])

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        const_args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if isinstance(func, ast.Name) and func.id == "getattr" and len(node.args) >= 2 and const_args:
            base = self._dotted(node.args[0])
            if base:
                self._report(node.lineno, f"{base}.{const_args[0]}")
        callee = self._dotted(func) if isinstance(func, ast.Attribute) else (
            func.id if isinstance(func, ast.Name) else None)
        if callee in ("importlib.import_module", "__import__") and const_args:
            self._report(node.lineno, const_args[0])
        if (isinstance(func, ast.Attribute) and func.attr in self.methods and self._dotted(func.value) is None
                and not (isinstance(func.value, ast.Name) and func.value.id in _SELF_NAMES)):
            self.found.setdefault((node.lineno, "." + func.attr), Violation(
                self.rel, node.lineno, f".{func.attr}()", self.methods[func.attr]))
        self.generic_visit(node)


def check_source(source: str, rel: str, policy: Policy) -> list[Violation]:
    """Returns the violations in one module's source; ``rel`` is its path under the implementation root."""
    tree = ast.parse(source, filename=rel)
    resolver = _Resolver(rel, policy.forbidden_for(rel), policy.methods)
    resolver.visit(tree)
    return sorted(resolver.found.values(), key=lambda v: (v.line, v.name))


def check_tree(root: Path, policy: Policy | None = None) -> tuple[list[Violation], list[str]]:
    """Returns the violations of every .py file under ``root``, and the files that do not parse."""
    policy = policy or load_policy()
    violations, unparsable = [], []
    for path in sorted(Path(root).rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        rel = path.relative_to(root).as_posix()
        try:
            violations.extend(check_source(path.read_text(encoding="utf-8", errors="replace"), rel, policy))
        except SyntaxError as exc:
            unparsable.append(f"{rel}:{exc.lineno}: syntax error: {exc.msg}")
    return violations, unparsable


def main(args: argparse.Namespace) -> int:
    """``python -m grader policy PATH``: prints every forbidden use in the student files under PATH."""
    root = Path(args.path)
    if not (root / "layers").is_dir() and (root / "student" / "layers").is_dir():
        root = root / "student"
    if not root.is_dir():
        print(f"policy: {root} is not a folder")
        return 2
    violations, unparsable = check_tree(root, load_policy(Path(args.policy or DEFAULT_POLICY)))
    for v in violations:
        print(f"{root.name}/{v}")
    for u in unparsable:
        print(f"{root.name}/{u}")
    files = len(list(root.rglob("*.py")))
    if violations or unparsable:
        print(f"policy: {len(violations)} forbidden use(s) in {root} ({files} files checked)")
        return 1
    print(f"policy: {files} files in {root} use no forbidden API")
    return 0
