"""The single source: ``student/`` is generated from ``solutions/``.

Solution files mark the code students write::

    def softmax(z):
        \"\"\"Returns ...\"\"\"
        # BEGIN SOLUTION subtract the row maximum first
        ...
        # END SOLUTION

The generator replaces every block with a ``raise NotImplementedError`` at the
block's indentation; the text after ``BEGIN SOLUTION`` becomes a ``# TODO:``
comment. ``student.lock`` records a hash of every solution file the skeleton was
generated from, so a change anywhere in ``solutions/``, inside a block too, is
noticed until the skeleton is generated again.
"""
from __future__ import annotations

import ast
import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from grader.contract import REPO, stub_line

LOCK_NAME = "student.lock"

# anything that looks like a marker, typos included ("# END SOLUTON", "#end_solution", "# BEGN SOLUTION"):
# it must then be a well-formed marker, or it is reported at its own line
_MARKER_LIKE = re.compile(r"(?i:#\s*(?:BEGIN|END)[\s_-]*SOL)|#\s*[A-Z]{2,}[\s_-]*SOL[A-Z]*\b")
_BEGIN = re.compile(r"^(?P<indent>[ ]*)# BEGIN SOLUTION(?:[ ]+(?P<hint>\S.*?))?\s*$")
_END = re.compile(r"^(?P<indent>[ ]*)# END SOLUTION\s*$")
_DEF = re.compile(r"^(?P<indent>[ ]*)(?:async[ ]+)?(?:def|class)[ ]+(?P<name>\w+)")


class MarkerError(ValueError):
    """A malformed solution marker; the message names file and line."""


@dataclass
class Problem:
    """One reason why ``student/`` is out of sync, located at a file and line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Block:
    """One solution block of a file: the lines of its BEGIN and END markers (1-based), indentation, hint, code."""

    begin: int
    end: int
    indent: int
    hint: str | None
    body: tuple[str, ...]


def parse_blocks(text: str, path: str) -> list[Block]:
    """Returns the solution blocks of source ``text``; raises MarkerError (naming ``path`` and the line) when malformed."""
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not _MARKER_LIKE.search(line):
            i += 1
            continue
        begin = _BEGIN.match(line)
        if not begin:
            if _END.match(line):
                raise MarkerError(f"{path}:{i + 1}: END SOLUTION without a BEGIN SOLUTION before it")
            raise MarkerError(f"{path}:{i + 1}: malformed marker {line.strip()!r}; "
                              "write '# BEGIN SOLUTION [hint]' or '# END SOLUTION' alone on the line")
        indent = len(begin.group("indent"))
        if indent == 0:
            raise MarkerError(f"{path}:{i + 1}: solution block at module level; put it inside a function")
        end = None
        for j in range(i + 1, len(lines)):
            inner = lines[j]
            if _BEGIN.match(inner):
                raise MarkerError(f"{path}:{j + 1}: BEGIN SOLUTION nested inside the block opened at line {i + 1}")
            if _END.match(inner):
                end = j
                break
            if _MARKER_LIKE.search(inner):
                raise MarkerError(f"{path}:{j + 1}: malformed marker {inner.strip()!r}")
            if inner.strip() and len(inner) - len(inner.lstrip(" ")) < indent:
                raise MarkerError(f"{path}:{j + 1}: line less indented than the BEGIN SOLUTION of line {i + 1}")
        if end is None:
            raise MarkerError(f"{path}:{i + 1}: BEGIN SOLUTION is never closed by an END SOLUTION")
        if len(_END.match(lines[end]).group("indent")) != indent:
            raise MarkerError(f"{path}:{end + 1}: END SOLUTION indented differently from its BEGIN (line {i + 1})")
        blocks.append(Block(i + 1, end + 1, indent, begin.group("hint"), tuple(lines[i + 1:end])))
        i = end + 1
    return blocks


def is_marker(line: str) -> bool:
    """Returns True when ``line`` holds a solution marker (well-formed or not)."""
    return bool(_MARKER_LIKE.search(line))


def _enclosing_name(lines: list[str], index: int, indent: int) -> str | None:
    for j in range(index - 1, -1, -1):
        m = _DEF.match(lines[j])
        if m and len(m.group("indent")) < indent:
            return m.group("name")
    return None


def release(text: str, path: str) -> str:
    """Returns solution source ``text`` as reference code to hand out: the code kept, the marker lines dropped."""
    drop = {line for b in parse_blocks(text, path) for line in (b.begin, b.end)}
    return "".join(line for n, line in enumerate(text.splitlines(keepends=True), start=1) if n not in drop)


def strip_solutions(text: str, path: str, student_path: str | None = None) -> str:
    """Returns the student version of solution source ``text``.

    ``path`` names the solution file in errors; ``student_path`` names the
    student file in the stubs' messages.
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    done = 0
    for block in parse_blocks(text, path):
        out.extend(lines[done:block.begin - 1])
        pad = " " * block.indent
        if block.hint:
            out.append(f"{pad}# TODO: {block.hint}\n")
        name = _enclosing_name(lines, block.begin - 1, block.indent)
        where = student_path or path
        out.append(pad + stub_line(f"{name} in {where}" if name else where) + "\n")
        done = block.end
    out.extend(lines[done:])
    return "".join(out)


def _source_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def generate(solutions: Path) -> dict[str, bytes]:
    """Returns the student tree generated from ``solutions``: relative path to contents."""
    tree: dict[str, bytes] = {}
    for src in _source_files(solutions):
        rel = src.relative_to(solutions).as_posix()
        data = src.read_bytes()
        if src.suffix == ".py":
            student_text = strip_solutions(data.decode("utf-8"), f"solutions/{rel}", f"student/{rel}")
            try:
                compile(student_text, f"student/{rel}", "exec")
            except SyntaxError as exc:
                raise MarkerError(f"solutions/{rel}:{exc.lineno}: the generated student file does not compile: {exc.msg}")
            data = student_text.encode("utf-8")
        tree[rel] = data
    return tree


def lock_of(solutions: Path) -> dict[str, str]:
    """Returns the hash of every file in ``solutions`` by relative path."""
    return {p.relative_to(solutions).as_posix(): _digest(p.read_bytes()) for p in _source_files(solutions)}


def build_student(repo: Path = REPO) -> list[str]:
    """Regenerates ``student/`` and ``student.lock`` from ``solutions/``; returns the files written."""
    solutions, student = repo / "solutions", repo / "student"
    tree = generate(solutions)
    if student.exists():
        shutil.rmtree(student)
    for rel, data in tree.items():
        target = student / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (repo / LOCK_NAME).write_text(json.dumps(lock_of(solutions), indent=1, sort_keys=True) + "\n")
    return sorted(tree)


def _api(source: str, path: str) -> dict[str, tuple[int, str]]:
    """Returns the public API of a module: qualified name -> (line, signature and docstring)."""
    api: dict[str, tuple[int, str]] = {}

    def visit(body, prefix):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if node.name.startswith("_") and not node.name.startswith("__"):
                    continue
                name = prefix + node.name
                if isinstance(node, ast.ClassDef):
                    sig = "class(" + ", ".join(ast.unparse(b) for b in node.bases) + ")"
                    visit(node.body, name + ".")
                else:
                    sig = "(" + ast.unparse(node.args) + ")"
                    if node.returns is not None:
                        sig += " -> " + ast.unparse(node.returns)
                api[name] = (node.lineno, sig + "\n" + (ast.get_docstring(node) or ""))
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and not prefix:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    if isinstance(t, ast.Name) and not t.id.startswith("_"):
                        api[t.id] = (node.lineno, "name")
    tree = ast.parse(source, filename=path)
    api["(module docstring)"] = (1, ast.get_docstring(tree) or "")
    visit(tree.body, "")
    return api


def _compare_api(rel: str, sol: bytes, stu: bytes) -> list[Problem]:
    problems = []
    try:
        sol_api = _api(sol.decode("utf-8"), f"solutions/{rel}")
        stu_api = _api(stu.decode("utf-8"), f"student/{rel}")
    except SyntaxError as exc:
        return [Problem(f"student/{rel}", exc.lineno or 0, f"does not parse: {exc.msg}")]
    for name in sorted(set(sol_api) | set(stu_api)):
        if name not in stu_api:
            problems.append(Problem(f"student/{rel}", 0, f"missing public name {name!r} (solutions line {sol_api[name][0]})"))
        elif name not in sol_api:
            problems.append(Problem(f"student/{rel}", stu_api[name][0], f"public name {name!r} is not in solutions/{rel}"))
        elif sol_api[name][1] != stu_api[name][1]:
            problems.append(Problem(f"student/{rel}", stu_api[name][0],
                                    f"signature or docstring of {name!r} differs from solutions/{rel}:{sol_api[name][0]}"))
    return problems


def _first_difference(a: bytes, b: bytes) -> int:
    la, lb = a.decode("utf-8", "replace").splitlines(), b.decode("utf-8", "replace").splitlines()
    for n, (x, y) in enumerate(zip(la, lb), start=1):
        if x != y:
            return n
    return min(len(la), len(lb)) + 1


def check(repo: Path = REPO) -> list[Problem]:
    """Returns every reason why ``student/`` is not what the generator makes from ``solutions/``."""
    solutions, student = repo / "solutions", repo / "student"
    try:
        expected = generate(solutions)
    except MarkerError as exc:
        path, _, rest = str(exc).partition(":")
        line, _, message = rest.partition(":")
        return [Problem(path, int(line) if line.isdigit() else 0, message.strip())]
    actual = {p.relative_to(student).as_posix(): p.read_bytes() for p in _source_files(student)} if student.exists() else {}
    problems: list[Problem] = []
    for rel in sorted(set(expected) | set(actual)):
        if rel not in actual:
            problems.append(Problem(f"student/{rel}", 0, f"missing; solutions/{rel} exists"))
        elif rel not in expected:
            problems.append(Problem(f"student/{rel}", 0, "has no counterpart in solutions/"))
        elif actual[rel] != expected[rel]:
            api = _compare_api(rel, expected[rel], actual[rel]) if rel.endswith(".py") else []
            problems.extend(api or [Problem(f"student/{rel}", _first_difference(expected[rel], actual[rel]),
                                            "differs from what the generator makes from solutions/")])
    lock_path = repo / LOCK_NAME
    recorded = json.loads(lock_path.read_text()) if lock_path.exists() else {}
    for rel, digest in sorted(lock_of(solutions).items()):
        if recorded.get(rel) != digest:
            problems.append(Problem(f"solutions/{rel}", 0, "changed since student/ was last generated"))
    for rel in sorted(set(recorded) - set(lock_of(solutions))):
        problems.append(Problem(f"solutions/{rel}", 0, "was removed since student/ was last generated"))
    return problems


def main(args) -> int:
    """``python -m grader check``: prints every reason why student/ is out of sync; non-zero when there is one."""
    problems = check()
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} problem(s): student/ is not what the generator makes from solutions/. "
              "Fix the marker, or run `make student` (python -m grader build student).")
        return 1
    print("student/ is in sync with solutions/")
    return 0
