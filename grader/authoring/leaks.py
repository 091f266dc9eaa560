"""The leak search: nothing that ships may hold the code of a solution, however it was copied.

A file of a built zip leaks when it holds
- a solution marker;
- the code of a whole solution block (whitespace and comments ignored);
- a single line of a solution block of ``MIN_LINE_CHARS`` characters or more
  (whitespace removed), the length below which a line is a formula that SPEC
  and the docstrings state themselves (``return x + self.f(x)``);
- a function whose body is a solution block's code with other names
  (local names and arguments renamed; attributes, constants and structure kept).
"""
from __future__ import annotations

import ast
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path

from grader.authoring.single_source import is_marker, parse_blocks
from grader.contract import SOLUTIONS

MIN_BLOCK_CHARS = 32
MIN_LINE_CHARS = 30
MIN_SHAPE_NODES = 12
"""A function body with fewer AST nodes than this (``return a @ b``) is too small to be a copy of anything."""


@dataclass(frozen=True)
class Block:
    """One solution block: where it is, its code as ``normalized_lines`` gives it, and its shape (see ``shape``)."""

    path: str
    line: int
    code: str
    shape: str | None


def normalized_lines(text: str) -> list[str]:
    """Returns the code lines of ``text`` with all whitespace removed; blank and comment lines dropped."""
    lines = ("".join(line.split()) for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


class _Renamer(ast.NodeTransformer):
    """Renames every local name and argument to its order of first appearance."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def _name(self, name: str) -> str:
        return self.names.setdefault(name, f"_{len(self.names)}")

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.copy_location(ast.Name(id=self._name(node.id), ctx=node.ctx), node)

    def visit_arg(self, node: ast.arg) -> ast.arg:
        return ast.copy_location(ast.arg(arg=self._name(node.arg)), node)


def shape(statements: list[ast.stmt]) -> str | None:
    """Returns the structure of ``statements`` with local names renamed, or None when it is too small to count."""
    module = _Renamer().visit(ast.Module(body=list(statements), type_ignores=[]))
    if sum(1 for _ in ast.walk(module)) < MIN_SHAPE_NODES:
        return None
    return ast.dump(module, annotate_fields=False)


def _block_shape(body: tuple[str, ...]) -> str | None:
    try:
        return shape(ast.parse(textwrap.dedent("\n".join(body))).body)
    except SyntaxError:  # a block that is not a whole statement list (a branch of an if) has no shape of its own
        return None


def solution_blocks(solutions: Path = SOLUTIONS, min_chars: int = MIN_BLOCK_CHARS,
                    released: tuple[str, ...] = ()) -> list[Block]:
    """Returns every solution block of ``solutions`` whose code has at least ``min_chars`` characters.

    ``released``: files (relative to ``solutions``) handed out as reference code, whose blocks may ship.
    """
    blocks = []
    for path in sorted(Path(solutions).rglob("*.py")):
        if "__pycache__" in path.parts or path.relative_to(solutions).as_posix() in released:
            continue
        rel = f"solutions/{path.relative_to(solutions).as_posix()}"
        for block in parse_blocks(path.read_text(encoding="utf-8"), rel):
            code = "\n".join(normalized_lines("\n".join(block.body)))
            if len(code) >= min_chars:
                blocks.append(Block(rel, block.begin, code, _block_shape(block.body)))
    return blocks


def _function_shapes(text: str) -> list[tuple[int, str]]:
    """Returns (line, shape of the body without its docstring) of every function in Python source ``text``."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
                body = body[1:]
            body_shape = shape(body) if body else None
            if body_shape is not None:
                found.append((node.lineno, body_shape))
    return found


def leaks_in(name: str, text: str, blocks: list[Block]) -> list[str]:
    """Returns one line per leak in file ``name`` with contents ``text`` (see the module's doc)."""
    found = [f"{name}:{n}: solution marker {line.strip()!r}"
             for n, line in enumerate(text.splitlines(), start=1) if is_marker(line)]
    normalized = normalized_lines(text)
    haystack = "\n" + "\n".join(normalized) + "\n"
    found += [f"{name}: holds the code of the solution block at {b.path}:{b.line}"
              for b in blocks if "\n" + b.code + "\n" in haystack]
    lines = {line: b for b in blocks for line in b.code.split("\n") if len(line) >= MIN_LINE_CHARS}
    found += sorted({f"{name}: holds the line {line!r} of the solution block at {lines[line].path}:{lines[line].line}"
                     for line in normalized if line in lines})
    if name.endswith(".py"):
        shapes = {b.shape: b for b in blocks if b.shape}
        found += [f"{name}:{line}: a function whose body is the solution block at {shapes[s].path}:{shapes[s].line} "
                  "with other names" for line, s in _function_shapes(text) if s in shapes]
    return found


def leaks(zip_path: Path, blocks: list[Block]) -> list[str]:
    """Returns one line per leak in the files of the zip at ``zip_path``."""
    found = []
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            if not name.endswith("/"):
                found += leaks_in(name, archive.read(name).decode("utf-8", errors="replace"), blocks)
    return found
