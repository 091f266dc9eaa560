"""The probe that imports the implementation's modules, each in turn, and says which do not import and where."""
from __future__ import annotations

import importlib
import os
import sys
import traceback

__tracebackhide__ = True  # a failure's traceback shows the test and the student's code only


def _file_of(module: str) -> str:
    """Returns the path of ``module``'s source below the implementation's root (``layers/conv.py``)."""
    return module.replace(".", "/") + ".py"


def _root_of(module: str) -> str | None:
    """Returns the first folder of sys.path that holds ``module``'s source, as the import system finds it."""
    rel = _file_of(module)
    return next((os.path.realpath(p) for p in sys.path if p and os.path.isfile(os.path.join(p, rel))), None)


def _where(exc: BaseException, root: str | None) -> dict:
    """Returns the innermost line below ``root`` where ``exc`` was raised: ``{"file", "line"}`` (file relative to
    the root), or ``{}``."""
    if root is None:
        return {}
    inside = [(f.filename, f.lineno) for f in traceback.extract_tb(exc.__traceback__)]
    if isinstance(exc, SyntaxError) and exc.filename:
        inside.append((exc.filename, exc.lineno))
    inside = [(os.path.realpath(f), n) for f, n in inside if f and n]
    inside = [(f, n) for f, n in inside if f.startswith(root + os.sep)]
    if not inside:
        return {}
    file, line = inside[-1]
    return {"file": os.path.relpath(file, root).replace(os.sep, "/"), "line": line}


def import_modules(modules: list[str]) -> list[dict]:
    """Imports each of ``modules`` (``layers.conv``) in turn; returns, for each that raises, ``{"module", "type"}``
    (the exception's class name) and where (``file`` below the implementation's root and ``line``)."""
    roots = {module: _root_of(module) for module in modules}  # before student code can move sys.path
    found = []
    for module in modules:
        try:
            importlib.import_module(module)
        except BaseException as exc:  # anything a module raises on import (sys.exit too) is what is reported
            kind = "SystemExit" if isinstance(exc, SystemExit) else type(exc).__name__  # os._exit too, in a worker
            found.append({"module": module, "type": kind, **_where(exc, roots[module])})
    return found
