"""The test harness: which implementation is under test, and how probes reach it.

A test never calls student code itself. It asks the harness to run a *probe*
(a module-level function in ``grader.testkit.probes``) with plain-data arguments, and
gets plain data back. In local mode the probe runs in this process, so a
student can set a breakpoint in their own code; in grading mode the same call
goes to a sandboxed worker (``grader.grading.runner``), and only the returned
data crosses back.
"""
from __future__ import annotations

import copy
import importlib
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any, Callable

from grader.contract import PACKAGES, REPO
from grader.testkit.local_imports import guard
from grader.testkit.plain import to_plain

__tracebackhide__ = True  # pytest shows the test and the student's code, not the harness

PROBE_PACKAGE = "grader.testkit.probes"
EXECUTOR = "grader.testkit.harness:execute"
"""What a sandboxed worker runs for each call (see ``grader.sandbox.Sandbox``)."""


class ImplementationNotFound(ValueError):
    """``--impl`` does not name a folder holding the course packages."""


def resolve_impl(spec: str, repo: Path = REPO) -> Path:
    """Returns the root folder of implementation ``spec``: student, solutions, or a path.

    A path may be the root itself (holding ``layers/``, ``models/``, ...) or a
    folder that holds ``student/``.
    """
    candidates = [repo / spec] if spec in ("student", "solutions") else [Path(spec), Path(spec) / "student"]
    for root in candidates:
        if (root / "layers").is_dir():
            return root.resolve()
    raise ImplementationNotFound(
        f"--impl {spec}: no folder with {', '.join(p + '/' for p in PACKAGES)} found at "
        + " or ".join(str(c) for c in candidates))


def probe_name(fn: Callable) -> str:
    """Returns the ``module:qualname`` reference of probe ``fn``, which must live in grader.testkit.probes."""
    if not fn.__module__.startswith(PROBE_PACKAGE + "."):
        raise ValueError(f"{fn.__qualname__} is not a probe: probes live in {PROBE_PACKAGE}")
    return f"{fn.__module__}:{fn.__qualname__}"


def load_probe(name: str) -> Callable:
    """Returns the probe function named ``module:qualname`` (only from grader.testkit.probes)."""
    module_name, _, qualname = name.partition(":")
    if not module_name.startswith(PROBE_PACKAGE + ".") or not qualname.isidentifier():
        raise ValueError(f"{name!r} is not a probe reference")
    return getattr(importlib.import_module(module_name), qualname)


def describe_call(name: str, args: list) -> str:
    """Returns a short name of a probe call for messages: the target, or the probe and its leading names."""
    strings = [a for a in args[:2] if isinstance(a, str)]
    if name == f"{PROBE_PACKAGE}.generic:call" and strings:
        return strings[0]
    probe = name.rpartition(":")[2]
    return f"{probe}({', '.join(strings)})" if strings else probe


def execute(name: str, args: list, kwargs: dict) -> Any:
    """Runs probe ``name`` on plain-data arguments and returns its result as plain data.

    Numeric RuntimeWarnings (overflow, invalid value, division by zero) raised by
    the implementation become errors: the material must be numerically stable.
    """
    fn = load_probe(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        result = fn(*args, **kwargs)
    return to_plain(result)


class StudentImportError(ImportError):
    """A file of the implementation does not import; the message names it, the line and the error."""

    __module__ = "builtins"  # tracebacks name it ``StudentImportError``, not by the kit's module path


class LocalRunner:
    """Runs probes in this process against the implementation rooted at ``root``.

    A file that does not import is reported in full by the first test that
    needs it, and named in one line by every later one: one typo does not fill
    the terminal with the same traceback a hundred times.
    """

    mode = "local"

    def __init__(self, root: Path):
        self.root = Path(root)
        self._scratch: tempfile.TemporaryDirectory | None = None
        self._broken: set[str] = set()
        _activate(self.root)
        guard(self.root)  # what the implementation cannot import when graded, it cannot import here either

    def run(self, name: str, args: list, kwargs: dict) -> Any:
        try:
            return execute(name, copy.deepcopy(args), copy.deepcopy(kwargs))
        except Exception as exc:
            failure = import_failure(exc, self.root)
            if failure is None:
                raise
            file, where, error = failure
            if file in self._broken:
                raise StudentImportError(f"{file} does not import ({error.split(':')[0]}); see the first test that "
                                         "needed it shows why") from None
            self._broken.add(file)
            raise StudentImportError(f"{where}: {error}\n  {file} does not import, so every test that needs it "
                                     "fails: fix this first") from None

    def scratch(self) -> Path:
        """Returns a new empty folder (removed when the runner goes away)."""
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="impl-scratch-")
        return Path(tempfile.mkdtemp(dir=self._scratch.name))

    def workdir(self) -> Path:
        """Returns a new empty folder for the implementation to write in (here, a scratch folder)."""
        return self.scratch()


def import_failure(exc: BaseException, root: Path) -> tuple[str, str, str] | None:
    """Returns (file, file:line, error) when ``exc`` comes from importing a file under ``root``, else None."""
    def shown(path: str) -> str:
        return f"{root.name}/{Path(path).resolve().relative_to(root.resolve()).as_posix()}"

    prefix = str(root.resolve()) + "/"
    error = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, SyntaxError) and str(Path(exc.filename or "").resolve()).startswith(prefix):
        file = shown(exc.filename)
        text = f"\n    {exc.text.strip()}" if exc.text else ""
        return file, f"{file}:{exc.lineno}", f"{type(exc).__name__}: {exc.msg}{text}"
    student, tb = [], exc.__traceback__
    while tb is not None:
        if str(Path(tb.tb_frame.f_code.co_filename).resolve()).startswith(prefix):
            student.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    if not any(f.f_code.co_name == "<module>" for f, _ in student):
        return None
    innermost, line = student[-1]
    file = shown(innermost.f_code.co_filename)
    return file, f"{file}:{line}", error


def _activate(root: Path) -> None:
    """Puts ``root`` first on sys.path so that ``layers``, ``models``, ... import from it."""
    root_str = str(root)
    for pkg in PACKAGES:
        loaded = sys.modules.get(pkg)
        origin = getattr(loaded, "__file__", None) or ""
        if loaded is not None and not origin.startswith(root_str):
            raise RuntimeError(f"package {pkg!r} is already imported from {origin}; one implementation per process")
    if root_str not in sys.path:
        sys.path.insert(0, root_str)


class Harness:
    """What a test sees of the implementation under test (the ``impl`` fixture)."""

    def __init__(self, runner):
        self.runner = runner

    @property
    def root(self) -> Path:
        return self.runner.root

    def probe(self, fn: Callable, *args: Any, **kwargs: Any) -> Any:
        """Runs probe ``fn`` (a function of grader.testkit.probes) and returns its plain-data result."""
        return self.runner.run(probe_name(fn), list(args), kwargs)

    def scratch(self) -> Path:
        """Returns a new empty folder for the files a test hands to the implementation, which may only read them.

        ``tmp_path`` is such a folder already; a folder from ``tempfile`` is
        private to the grader when the implementation runs in the sandbox.
        """
        return self.runner.scratch()

    def workdir(self) -> Path:
        """Returns the path of a new empty folder that the implementation may write in (``plot_curves(path)``).

        The test never opens anything there: what it needs of a file written
        there comes back from the probe that ran the implementation (in
        grading mode the folder is the sandbox's own, which the grader does
        not follow into).
        """
        return self.runner.workdir()

    def call(self, target: str, *args: Any, **kwargs: Any) -> Any:
        """Calls ``target`` (``"layers.losses:softmax"``) on the arguments; returns the result."""
        from grader.testkit.probes import generic
        return self.probe(generic.call, target, *args, **kwargs)

    def call_keeping_inputs(self, target: str, *args: Any, **kwargs: Any) -> dict:
        """Calls ``target``; returns ``{"out": result, "args_after": the positional arguments afterwards}``."""
        from grader.testkit.probes import generic
        return self.probe(generic.call_keeping_inputs, target, *args, **kwargs)

    def raised(self, target: str, *args: Any, **kwargs: Any) -> str | None:
        """Calls ``target``; returns the name of the exception class it raised, or None."""
        from grader.testkit.probes import generic
        return self.probe(generic.raised, target, *args, **kwargs)
