"""The names every stage of the kit shares, each defined once.

- where things are: the repository, the two implementations, the course packages;
- the stub the generator writes in place of a solution block, and how to recognise its message;
- which test files grade which implementation file (``layers/losses.py`` <-> ``test_losses*.py``);
- the files of a submission beside ``student/`` (the tuned experiment config);
- what implementation code reaches where it is written but not where it is graded (``local_only``).
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

IMPORT_DIRECTLY = f"import from {'/'.join(PACKAGES)} directly, e.g. `from layers.activations import relu_forward`"
LOCAL_ONLY_MODULES = {
    "student": IMPORT_DIRECTLY,
    "solutions": IMPORT_DIRECTLY,
    "tests": "the tests are not there when your code is graded; write what you need in your own files",
    "grader.grading": "the grader's grading code is not there when your code is graded",
    "grader.submission": "the grader's submission checks are not there when your code is graded",
    "grader.authoring": "the instructor's tools are not there when your code is graded",
}
"""Modules that implementation code can import in the repository or a handout but not when it is graded (it then
runs from a copy of its own folder, alone), with the fix the student reads."""
KIT_FOLDERS = ("student", "solutions", "tests", "configs", "grader", "build", "dist", "runs")
"""The folders at the top of the repository or a handout (``runs/``: where training writes): a path into one of
them is relative to the working folder, which is an empty one when the implementation is graded."""

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


def local_only(module: str) -> str | None:
    """Returns why module ``module`` (dotted) cannot be imported when the implementation is graded, and the fix,
    when it is one of ``LOCAL_ONLY_MODULES`` (or below one); else None."""
    for name, fix in LOCAL_ONLY_MODULES.items():
        if module == name or module.startswith(name + "."):
            return (f"there is no module {module} where your code is graded (it runs from a copy of student/ "
                    f"alone); {fix}")
    return None


def module_names(files: list[str]) -> list[str]:
    """Returns the stems of the implementation modules among ``files`` (paths under ``student/``)."""
    return sorted({Path(f).stem for f in files if f.endswith(".py") and not f.endswith("__init__.py")})
