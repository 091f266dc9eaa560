"""Grading mode: the runner that sends every probe call to a sandboxed worker.

It serves the ``impl`` fixture like ``grader.testkit.harness.LocalRunner``, but
the implementation is never imported in this process; see ``grader.sandbox``.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from grader.contract import REPO, grades
from grader.sandbox import CallTimeout, Limits, Sandbox
from grader.testkit.harness import EXECUTOR, PROBE_PACKAGE, describe_call

RETRY_TIMEOUT_S = 3.0
MAKE_FOLDER = f"{PROBE_PACKAGE}.generic:make_folder"
PRELOAD = ("numpy",)
"""What the fork server imports for every worker."""
TORCH = ("torch",)
"""What it imports too when the graded code uses torch."""
PRELOAD_FOR = {"utils/data.py": ("sklearn.datasets", "mnist1d.data"), "utils/plot.py": ("matplotlib.pyplot",)}
"""What the tests of a file make the implementation import, preloaded when they run: seconds in every worker that
needs them otherwise (a worker is replaced when its own memory grows)."""


def preload_for(test_files: list, root: Path | None = None, training: bool = True) -> tuple[str, ...]:
    """Returns the modules the fork server imports for workers that run the tests in ``test_files`` (paths) on the
    implementation in ``root``.

    torch is among them when there are graded training runs, when ``root`` is
    unknown, when a file the tests grade imports it, or when a test file (or a
    module of the grader or the tests it imports, at their top level) imports
    it: a probe from such a module imports torch in the worker. Only time is at
    stake: a worker that needs a module that was not preloaded imports it.
    """
    extra = [m for rel, modules in PRELOAD_FOR.items() if any(grades(f, rel) for f in test_files) for m in modules]
    graded = [] if root is None else [path for path in Path(root).rglob("*.py")
                                      if any(grades(f, path.relative_to(root).as_posix()) for f in test_files)]
    if (training or root is None or any("torch" in _top_imports(path) for path in graded)
            or any(_uses_torch(Path(f)) for f in test_files)):
        extra = [*TORCH, *extra]
    return PRELOAD + tuple(extra)


def _uses_torch(path: Path) -> bool:
    """Whether the module at ``path`` or a module of the repository it imports at its top level imports torch."""
    seen, todo = set(), [path]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        names = _top_imports(current)
        if "torch" in names:
            return True
        for name in names:
            base = REPO.joinpath(*name.split("."))
            todo += [p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()]
    return False


def _top_imports(path: Path) -> set[str]:
    """The modules (and their parents: ``a.b`` gives ``a`` too) that the file at ``path`` imports outside functions."""
    try:
        tree = ast.parse(path.read_text(errors="replace")[:1_000_000]) if path.is_file() and not path.is_symlink() \
            else ast.Module(body=[])
    except (OSError, SyntaxError, ValueError):
        return set()
    names = set()
    nodes = list(tree.body)
    while nodes:
        node = nodes.pop()
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, (ast.If, ast.Try)):  # imports under if/try still run at import time
            nodes += [*node.body, *node.orelse, *getattr(node, "finalbody", []),
                      *(n for h in getattr(node, "handlers", []) for n in h.body)]
    parents = {".".join(name.split(".")[:i]) for name in names for i in range(1, name.count(".") + 1)}
    return names | parents


class SandboxRunner:
    """Runs probes in a sandboxed worker process against the implementation rooted at ``root``.

    Keyword arguments go to ``grader.sandbox.Sandbox`` (limits, private paths, user, deadline, isolation, preload:
    default ``PRELOAD`` and ``TORCH``).
    """

    mode = "sandbox"

    def __init__(self, root: Path, **options: Any):
        self.root = Path(root)
        self.sandbox = Sandbox(self.root, EXECUTOR, **{"preload": PRELOAD + TORCH, **options})
        self.scope: str | None = None
        self.hung: set = set()

    def run(self, name: str, args: list, kwargs: dict, timeout: float | None = None, limits: Limits | None = None,
            key: Any = None) -> Any:
        """Returns the plain-data result of probe ``name``.

        A call that timed out is not repeated in the same ``scope`` (the test
        that runs, set by the grading plugin) with the same ``key`` (default:
        the probe and its leading names): a fault costs only its own test. A
        call whose key timed out in an earlier test gets ``RETRY_TIMEOUT_S`` at
        most, so that a hang repeated by many tests cannot spend the budget.
        ``limits`` replaces the sandbox's resource limits for this call.
        """
        key = key if key is not None else (name, *[a for a in args[:2] if isinstance(a, str)])
        if key in self.hung:
            timeout = min(timeout or self.sandbox.limits.call_timeout_s, RETRY_TIMEOUT_S)
        try:
            return self.sandbox.call(name, args, kwargs, timeout=timeout, what=describe_call(name, args),
                                     key=(self.scope, key), limits=limits)
        except CallTimeout:
            self.hung.add(key)
            raise

    def describe(self) -> str:
        """Returns the isolation the sandbox uses, in one line for the staff."""
        return self.sandbox.isolation.describe()

    def scratch(self) -> Path:
        """Returns a new folder that the grader writes and the worker only reads (see ``Sandbox.scratch``)."""
        return self.sandbox.scratch()

    def workdir(self) -> Path:
        """Returns a new folder, made by the worker, for the implementation to write in (see ``Sandbox.workdir``)."""
        path = self.sandbox.workdir()
        self.run(MAKE_FOLDER, [str(path)], {})
        return path

    def take_output(self) -> str:
        """Returns what the implementation printed since the last call (truncated)."""
        return self.sandbox.take_output()

    def close(self) -> None:
        self.sandbox.close()
