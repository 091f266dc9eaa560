"""What Python imports in place of a source file: the other forms a module's name can take in its folder.

For ``layers/activations.py``, Python's path finder (``importlib.machinery.FileFinder``)
looks in ``layers/`` first for a package, a folder ``activations/`` holding
``__init__`` with any suffix a loader takes; then for a file ``activations<suffix>``,
the suffixes in the loaders' order: compiled extensions
(``EXTENSION_SUFFIXES``: ``.cpython-311-x86_64-linux-gnu.so``, ``.abi3.so``,
``.so``), then source (``SOURCE_SUFFIXES``), then sourceless bytecode
(``BYTECODE_SUFFIXES``). So a package folder or an extension *shadows* the source
file: the checks read the source, and Python runs the other. A folder without
``__init__`` (a namespace package) and bytecode beside the source lose to it,
but still take the module's name: they are its *rivals* too. ``__pycache__``
and ``.pth`` files are no form of a module: the intake drops the one, and Python
reads the other only in site folders, never in an implementation's root.

The suffixes come from ``importlib.machinery``, never from a list of our own.
"""
from __future__ import annotations

import shutil
from importlib.machinery import BYTECODE_SUFFIXES, EXTENSION_SUFFIXES, SOURCE_SUFFIXES
from pathlib import Path

from grader.submission.files import python_files

COMPILED = (*EXTENSION_SUFFIXES, *BYTECODE_SUFFIXES)
"""The suffixes of code Python imports that is not source: the grader runs only source it has checked."""
SUFFIXES = (*EXTENSION_SUFFIXES, *SOURCE_SUFFIXES, *BYTECODE_SUFFIXES)
"""Every suffix a module's file may have, in the order Python tries them."""


def is_compiled(name: str) -> bool:
    """Returns True when a file called ``name`` is compiled code Python would import (an extension or bytecode)."""
    return name.endswith(COMPILED)


def _stem(path: Path) -> str:
    """Returns the module name a file of one of ``SUFFIXES`` stands for (``conv`` for ``conv.abi3.so``)."""
    return next(path.name[:-len(s)] for s in SUFFIXES if path.name.endswith(s))


def is_package(folder: Path) -> bool:
    """Returns True when ``folder`` is a regular package: it holds ``__init__`` with a suffix some loader takes."""
    return folder.is_dir() and any((folder / f"__init__{s}").is_file() for s in SUFFIXES)


def rivals(root: Path, rel: str) -> list[str]:
    """Returns the paths under ``root`` (``/`` ending a folder) that take the module name of source file ``rel``
    besides it: a folder of that name, and a file of that name with another of ``SUFFIXES``."""
    path = Path(root) / rel
    stem = _stem(path)
    found = [] if stem == "__init__" or not (path.parent / stem).is_dir() else [f"{Path(rel).parent / stem}/"]
    return found + [(Path(rel).parent / (stem + s)).as_posix() for s in SUFFIXES
                    if stem + s != path.name and (path.parent / (stem + s)).is_file()]


def shadows(root: Path, rel: str) -> list[str]:
    """Returns the rivals of source file ``rel`` that Python imports instead of it: a package folder, and the
    extensions (the loaders take them before source)."""
    return [other for other in rivals(root, rel)
            if (is_package(Path(root) / other) if other.endswith("/") else other.endswith(tuple(EXTENSION_SUFFIXES)))]


def compiled_files(root: Path) -> list[str]:
    """Returns the compiled files under ``root`` (``COMPILED``; caches left out), relative to it."""
    return sorted(p.relative_to(root).as_posix() for p in Path(root).rglob("*")
                  if is_compiled(p.name) and p.is_file() and "__pycache__" not in p.parts)


def drop_rivals(root: Path, files: list[str] | None = None) -> list[str]:
    """Removes from implementation ``root`` every rival of each source file in ``files`` (default: every .py file
    under ``root``), so that Python imports exactly the source that was written there or checked; returns what it
    removed."""
    root = Path(root)
    files = [p.relative_to(root).as_posix() for p in python_files(root)] if files is None else list(files)
    removed = []
    for rel in files:
        if not (root / rel).is_file():  # inside a rival removed already
            continue
        for other in rivals(root, rel):
            if other.endswith("/"):
                shutil.rmtree(root / other)
            else:
                (root / other).unlink()
            removed.append(other)
    return removed
