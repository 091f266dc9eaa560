"""Which files a submission holds: the student tree of the solutions, or the list a build shipped."""
from __future__ import annotations

from pathlib import Path

from grader.contract import REPO, REQUIRED_LIST


class FilesUnknown(RuntimeError):
    """Neither the solutions nor a shipped list say which files a submission holds."""


def required_files(repo: Path = REPO) -> list[str]:
    """Returns the files every submission must hold, relative to ``student/``.

    In the repository these are the files of ``solutions/``; in a handout or an
    autograder, the list the build wrote to ``student.files``.
    """
    listed = repo / REQUIRED_LIST
    if listed.is_file():
        return [line for line in listed.read_text().splitlines() if line and not line.startswith("#")]
    solutions = repo / "solutions"
    if not solutions.is_dir():
        raise FilesUnknown(f"neither {listed} nor {solutions} exists: cannot tell which files a submission needs")
    return sorted(p.relative_to(solutions).as_posix() for p in solutions.rglob("*.py") if "__pycache__" not in p.parts)


def required_modules(repo: Path = REPO) -> list[str]:
    """Returns the Python files of ``required_files`` (empty when they are unknown)."""
    try:
        return [name for name in required_files(repo) if name.endswith(".py")]
    except FilesUnknown:
        return []


def python_files(root: Path) -> list[Path]:
    """Returns the .py files under ``root``, sorted, without caches."""
    return sorted(p for p in Path(root).rglob("*.py") if p.is_file() and "__pycache__" not in p.parts)
