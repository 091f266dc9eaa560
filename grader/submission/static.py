"""The checks of a student tree that run nothing: missing files, syntax errors, forbidden APIs, the tuned config,
and what would run other than the checked source or only where the student runs it.

One list of ``Finding``s, one message format (``student/layers/losses.py:12:
syntax error: ...``), read by ``make submission`` (which refuses to zip) and by
the grader (which scores the tests of an offending file 0 and grades the rest).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from grader.contract import EXPERIMENT
from grader.submission import local_only, shadows
from grader.submission.files import python_files
from grader.submission.policy import Policy, check_files, load_policy

MISSING, SYNTAX, POLICY, CONFIG = "missing", "syntax", "policy", "config"
SHADOW = "shadow"
"""Python would import something else (a package folder, a compiled extension) in place of a checked file."""
LOCAL_ONLY = "local-only"
"""Works where the student runs the code, not where it is graded (``grader.submission.local_only``)."""


@dataclass(frozen=True)
class Finding:
    """One problem found without running the code: ``file`` is under ``student/`` (None for the config)."""

    kind: str
    file: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"student/{self.file}" if self.file is not None else EXPERIMENT
        return f"{where}:{self.line}: {self.message}" if self.line else f"{where}: {self.message}"


def check(root: Path, required: list[str], policy: Policy | None = None,
          experiment: Path | None = None) -> list[Finding]:
    """Returns every static problem of the student tree ``root``.

    ``required``: the files it must hold (relative to ``root``); ``experiment``:
    the tuned config to validate, if the submission has one.
    """
    root = Path(root)
    policy = policy or load_policy()
    found = [Finding(MISSING, rel, "missing; every file of the handout's student/ is graded "
                                   "(restore it from the handout if you deleted it)")
             for rel in required if not (root / rel).is_file()]
    sources: dict[str, bytes] = {}
    for path in python_files(root):
        rel = path.relative_to(root).as_posix()
        source = path.read_bytes()
        try:
            compile(source, f"student/{rel}", "exec", dont_inherit=True)
        except SyntaxError as exc:
            found.append(Finding(SYNTAX, rel, f"syntax error: {exc.msg}; a file that does not compile scores 0 on its tests",
                                 exc.lineno))
            continue
        except ValueError as exc:
            found.append(Finding(SYNTAX, rel, f"cannot be read as Python source ({exc})"))
            continue
        except (MemoryError, RecursionError):
            found.append(Finding(SYNTAX, rel, "is nested too deeply to compile; split its expressions up"))
            continue
        sources[rel] = source
        found += _elsewhere(root, rel, source)
    found += _compiled(root)
    # a file's rule also applies to the student code it calls in other files (reported against that file)
    found += [Finding(POLICY, v.path, v.message, v.line) for v in check_files(sources, policy)]
    if experiment is not None:
        from grader.training.config import ConfigError, load_config
        try:
            load_config(experiment)
        except ConfigError as exc:
            found.append(Finding(CONFIG, None, str(exc).removeprefix(f"{experiment}: ")
                                 + " (fix it, or delete it to submit without a leaderboard entry)"))
    return found


def _elsewhere(root: Path, rel: str, source: bytes) -> list[Finding]:
    """Returns what of source file ``rel`` would not run as checked: a form of its module that Python imports
    instead of it, and what works only where the student runs it."""
    found = [Finding(SHADOW, rel, f"Python imports student/{other} instead of this file, so your code would not run "
                                  f"what the checks read; delete student/{other} (or this file)")
             for other in shadows.shadows(root, rel)]
    try:
        tree = ast.parse(source, f"student/{rel}")
    except (SyntaxError, ValueError, MemoryError, RecursionError):  # compiled already: cannot happen
        return found
    return found + [Finding(LOCAL_ONLY, rel, message, line) for line, message in local_only.problems(tree)]


def _compiled(root: Path) -> list[Finding]:
    """Returns the compiled files under ``root`` that shadow no source file (those have their SHADOW finding)."""
    named = {other for path in python_files(root) for other in shadows.shadows(root, path.relative_to(root).as_posix())}
    return [Finding(LOCAL_ONLY, rel, "compiled code is neither submitted nor run when your code is graded (only your "
                                     ".py files are); delete it")
            for rel in shadows.compiled_files(root) if rel not in named]
