"""The names every stage of the kit shares, each defined once.

- where things are: the repository, the two implementations, the course packages;
- the stub the generator writes in place of a solution block, and how to recognise its message;
- which test files grade which implementation file (``layers/losses.py`` <-> ``test_losses*.py``);
- the files of a submission beside ``student/`` (the tuned experiment config).
"""
from __future__ import annotations

import re
from fnmatch import fnmatch
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
"""The root of the kit: the repository, the handout or the autograder's source folder."""
PACKAGES = ("layers", "models", "optimizers", "utils")
"""The course packages: an implementation root holds one folder for each."""
SOLUTIONS = REPO / "solutions"
STUDENT = REPO / "student"
CONFIGS = REPO / "configs"
EXPERIMENT = "configs/experiment.yaml"
"""The student's tuned config, beside ``student/`` in a submission (the leaderboard run)."""
REQUIRED_LIST = "student.files"
"""In a handout or an autograder: the files of ``student/`` that every submission holds."""

STUB_SUFFIX = "is not implemented yet"
_STUB_LINE = re.compile(r'raise NotImplementedError\("(?P<what>.+) ' + STUB_SUFFIX + r'"\)')


def stub_line(what: str) -> str:
    """Returns the statement that stands for an unwritten solution block (``what``: function and file)."""
    return f'raise NotImplementedError("{what} {STUB_SUFFIX}")'


def is_stub_message(message: str) -> bool:
    """Returns True when ``message`` is the text of the skeleton's NotImplementedError."""
    return message.endswith(STUB_SUFFIX)


def stubs_in(source: str) -> list[str]:
    """Returns what each skeleton stub in ``source`` names (``softmax in student/layers/losses.py``)."""
    return [m.group("what") for m in _STUB_LINE.finditer(source)]


def test_glob(rel: str) -> str:
    """Returns the glob of the test files that grade implementation file ``rel`` (``test_<stem>*.py``)."""
    return f"test_{Path(rel).stem}*.py"


def grades(test_file: str, rel: str) -> bool:
    """Returns True when test file ``test_file`` (a name or path) grades implementation file ``rel``."""
    return fnmatch(Path(test_file).name, test_glob(rel))


def module_of_test(test_file: str, modules: list[str] | tuple = ()) -> str:
    """Returns the module stem a test file grades: the longest of ``modules`` that ``test_<stem>`` starts with."""
    stem = Path(test_file).stem.removeprefix("test_")
    matches = [m for m in modules if stem == m or stem.startswith(m + "_")]
    return max(matches, key=len) if matches else stem


def module_names(files: list[str]) -> list[str]:
    """Returns the stems of the implementation modules among ``files`` (paths under ``student/``)."""
    return sorted({Path(f).stem for f in files if f.endswith(".py") and not f.endswith("__init__.py")})
