"""The checks of a student tree that run nothing: missing files, syntax errors, forbidden APIs, the tuned config.

One list of ``Finding``s, one message format (``student/layers/losses.py:12:
syntax error: ...``), read by ``make submission`` (which refuses to zip) and by
the grader (which scores the tests of an offending file 0 and grades the rest).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.contract import EXPERIMENT
from grader.submission.files import python_files
from grader.submission.policy import Policy, check_files, load_policy

MISSING, SYNTAX, POLICY, CONFIG = "missing", "syntax", "policy", "config"


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
