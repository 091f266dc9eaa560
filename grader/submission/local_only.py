"""What works where a student runs their code but not where it is graded, found in the source without running it.

When it is graded, the implementation runs from a copy of its own folder,
alone, in an empty working folder, and only its Python source is submitted.
So what works in ``make test`` because the handout (or the repository) is
around fails there:

- importing a module that exists only around it: ``from student.layers.activations
  import relu_forward`` (an IDE's auto-import), ``tests.``, the grader's grading
  code (``grader.contract.LOCAL_ONLY_MODULES``); local runs refuse these imports
  too (``grader.testkit.local_imports``);
- a path into the handout's folders relative to the working folder
  (``open("configs/mlp.yaml")``, ``savefig("runs/curve.png")``: ``grader.contract.KIT_FOLDERS``).

Compiled files, which are not submitted either, are found by ``grader.submission.shadows``.
"""
from __future__ import annotations

import ast

from grader.contract import KIT_FOLDERS, local_only


def _imported(node: ast.AST) -> list[str]:
    """Returns the absolute modules (and ``module.name`` for a from-import) an import statement names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and not node.level and node.module:
        return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return []


def _kit_path(node: ast.AST) -> str | None:
    """Returns the text of a string constant (or the constant start of an f-string) that is a path into one of
    ``KIT_FOLDERS`` relative to the working folder, else None."""
    if isinstance(node, ast.JoinedStr) and node.values:
        node = node.values[0]
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return None
    head, slash, _ = node.value.removeprefix("./").partition("/")
    return node.value if slash and head in KIT_FOLDERS else None


def problems(tree: ast.AST) -> list[tuple[int, str]]:
    """Returns (line, message) for each import of a module that is not there when the code is graded, and each
    path given to a call that is relative to the working folder and into the handout's folders."""
    found = []
    for node in ast.walk(tree):
        why = next(filter(None, map(local_only, _imported(node))), None)
        if why:
            found.append((node.lineno, why))
        if isinstance(node, ast.Call):
            for value in [*node.args, *(k.value for k in node.keywords)]:
                path = _kit_path(value)
                if path:
                    found.append((value.lineno, f"{path!r} is a path relative to the working folder, which is "
                                                "empty when your code is graded; take the path as an argument"))
    return sorted(found)
