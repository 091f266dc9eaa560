"""Before the suites: one sandboxed call imports every module they grade, and each one that does not import is
named at the top of the results page, with the exception's class and the student's file and line.

Nothing the worker says is shown as it is: the module must be one that was
asked for, the class one of Python's built-in exceptions (else "an exception of
a class your code defines"), the file one of the submission's and the line one
of that file, whose text is read from the grader's own copy of the submission.
So no text that student code controls reaches the page beyond its own line of
source. The call costs little: the suites import the same modules in the same
worker right after it.
"""
from __future__ import annotations

from pathlib import Path

from grader.contract import grades, test_glob
from grader.grading.messages import BUILTIN_ERRORS
from grader.sandbox import CallTimeout, StudentCodeError, WorkerDied
from grader.submission.files import python_files
from grader.submission.policy_uses import module_name
from grader.testkit.harness import probe_name
from grader.testkit.probes import imports

SOURCE_CHARS = 100


def graded_files(root: Path, tests: list[Path], blocked: dict[str, str]) -> list[str]:
    """Returns the source files under ``root`` (relative) that the test files ``tests`` grade, but those whose tests
    do not run (``blocked``: a missing file, a syntax error ...)."""
    files = [p.relative_to(root).as_posix() for p in python_files(root) if p.name != "__init__.py"]
    return [rel for rel in files if any(grades(t, rel) for t in tests)
            and test_glob(rel) not in blocked and "*" not in blocked]


def import_failures(runner, root: Path, tests: list[Path], blocked: dict[str, str]) -> list[str]:
    """Imports the files the suites grade (``graded_files``) in one call to ``runner``'s worker; returns a note for
    each that does not import, and one when the call itself failed (a loop or a crash at the top of a file)."""
    files = {module_name(rel): rel for rel in graded_files(Path(root), tests, blocked)}
    if not files:
        return []
    try:
        found = runner.run(probe_name(imports.import_modules), [list(files)], {})
    except (CallTimeout, WorkerDied) as exc:
        return [f"Your files could not all be imported before the tests: {exc.message}. The code at the top level "
                "of a file (outside functions) runs when it is imported."]
    except StudentCodeError:  # the probe catches what student code raises: nothing to tell here
        return []
    if not isinstance(found, list):
        return []
    return [_note(Path(root), files[item["module"]], item) for item in found
            if isinstance(item, dict) and isinstance(item.get("module"), str) and item["module"] in files]


def _note(root: Path, rel: str, failure: dict) -> str:
    """Returns the line that says student file ``rel`` does not import, from what the worker reported."""
    kind = failure.get("type")
    kind = kind if isinstance(kind, str) and kind in BUILTIN_ERRORS else "an exception of a class your code defines"
    return f"student/{rel} does not import: {kind}{_location(root, rel, failure)}, so every test that needs it fails."


def _location(root: Path, rel: str, failure: dict) -> str:
    """Returns `` at line N (source)`` (``at student/F:N`` for another file), or "" when the worker's file and line
    are not a line of a file of the submission."""
    file, line = failure.get("file"), failure.get("line")
    sources = {p.relative_to(root).as_posix(): p for p in python_files(root)}
    if not isinstance(file, str) or file not in sources or not isinstance(line, int) or isinstance(line, bool) \
            or line < 1:
        return ""
    lines = sources[file].read_text(encoding="utf-8", errors="replace").splitlines()
    if line > len(lines):
        return ""
    text = "".join(c if c.isprintable() else "?" for c in lines[line - 1].strip())
    text = text if len(text) <= SOURCE_CHARS else text[:SOURCE_CHARS - 3] + "..."
    return (f" at line {line}" if file == rel else f" at student/{file}:{line}") + (f" ({text})" if text else "")
