"""In local mode, implementation code cannot import what it could not import when graded.

When graded, the implementation runs from a copy of its own folder, alone:
``student``, ``solutions``, ``tests`` and the grader's grading code are not
there (``grader.contract.LOCAL_ONLY_MODULES``). Where the student runs the
tests they are, so an IDE's auto-import (``from student.layers.activations
import relu_forward``) passes ``make test`` and fails every graded test.
``guard(root)`` makes such an import, by a file under ``root``, raise what it
raises when graded (``ModuleNotFoundError``), with the fix in its message.

The check sits in ``builtins.__import__``, which sees the importing module's
globals, so it holds even for a module that is imported already (the tests
import ``tests``); ``importlib`` is no way around it in graded code, where the
policy forbids it.
"""
from __future__ import annotations

import builtins
import os
from pathlib import Path

from grader.contract import local_only

_ROOTS: list[str] = []
_IMPORT = builtins.__import__


def guard(root: Path) -> None:
    """Refuses, from now on in this process, every import by a file under ``root`` of a module ``local_only``
    names."""
    prefix = str(Path(root).resolve()) + os.sep
    if prefix not in _ROOTS:
        _ROOTS.append(prefix)
    builtins.__import__ = _guarded


def refusal(name: str, fromlist, importer: object) -> str | None:
    """Returns why file ``importer`` (a path, or None) may not import ``name`` (with ``fromlist``), else None."""
    if not isinstance(importer, str) or not importer.startswith(tuple(_ROOTS)):
        return None
    names = [name, *(f"{name}.{item}" for item in (fromlist or ()) if isinstance(item, str))]
    return next(filter(None, map(local_only, names)), None)


def _guarded(name, globals=None, locals=None, fromlist=(), level=0):
    __tracebackhide__ = True  # pytest shows the student's import line, not this frame
    if level == 0 and isinstance(globals, dict):
        why = refusal(name, fromlist, globals.get("__file__"))
        if why:
            raise ModuleNotFoundError(why, name=name)
    return _IMPORT(name, globals, locals, fromlist, level)
