"""The three artifacts: the student handout, the Gradescope autograder, a submission zip.

- ``dist/handout.zip`` (one folder, ``handout/``): the student skeleton generated
  from ``solutions/``, ``tests/public``, ``configs/``, the grader, and a README,
  Makefile and pytest configuration for students.
- ``dist/autograder.zip`` (Gradescope's layout: ``setup.sh`` and
  ``run_autograder`` at the root): requirements, the grader, the public and
  hidden tests, ``configs/`` with the rubric.
- ``dist/submission.zip``: the ``.py`` files of ``student/`` under ``student/``
  and the tuned ``configs/experiment.yaml``, built only when every required
  file is there, compiles and keeps the policy, and the config is valid.

Instructor-only modules (generating the skeleton, mutants, benchmarks, the demo)
ship in neither zip. Before a handout or autograder zip is kept, every file in it
is searched for the code of every solution block and for solution markers; a
zip with a leak is deleted and the build fails, naming the file and the block.
The files students and Gradescope get beside the code are templates in
``grader/distribution/``.
"""
from __future__ import annotations

import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "distribution"
REQUIRED_LIST = "student.files"
EXPERIMENT = "configs/experiment.yaml"
HANDOUT_FOLDER = "handout"
HANDOUT_TEMPLATES = {"README.md": "README.md", "Makefile": "Makefile", "pyproject.toml": "pyproject.toml",
                     "gitignore": ".gitignore"}
AUTOGRADER_TEMPLATES = {"setup.sh": "setup.sh", "run_autograder": "run_autograder", "pyproject.toml": "pyproject.toml"}
INSTRUCTOR_ONLY = ("grader/single_source.py", "grader/mutants.py", "grader/bench.py", "grader/demo.py",
                   "grader/commands/check.py", "grader/distribution/")
MIN_BLOCK_CHARS = 32
_MARKER = re.compile(r"^\s*#\s*(BEGIN|END)\s+SOLUTION\b", re.IGNORECASE)
_STUB = re.compile(r'raise NotImplementedError\("(?P<what>.+) is not implemented yet"\)')
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class BuildError(RuntimeError):
    """An artifact cannot be built; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class Block:
    """The code of one solution block, as ``normalized_lines`` gives it, joined by newlines."""

    path: str
    line: int
    code: str


def normalized_lines(text: str) -> list[str]:
    """Returns the code lines of ``text`` with all whitespace removed; blank and comment lines dropped."""
    lines = ("".join(line.split()) for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def solution_blocks(solutions: Path = REPO / "solutions", min_chars: int = MIN_BLOCK_CHARS) -> list[Block]:
    """Returns every solution block of ``solutions`` whose code has at least ``min_chars`` characters.

    Shorter blocks (``return x + self.f(x)``, ``for p in self.params: p.grad =
    None``) are the one-line formulas that SPEC and the docstrings state
    themselves, so finding their text elsewhere proves nothing.
    """
    blocks = []
    for path in sorted(Path(solutions).rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        body: list[str] | None = None
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            marker = _MARKER.match(line)
            if marker and marker.group(1).upper() == "BEGIN":
                body, start = [], number
            elif marker and body is not None:
                code = "\n".join(normalized_lines("\n".join(body)))
                if len(code) >= min_chars:
                    blocks.append(Block(f"solutions/{path.relative_to(solutions).as_posix()}", start, code))
                body = None
            elif body is not None:
                body.append(line)
    return blocks


def leaks(zip_path: Path, blocks: list[Block]) -> list[str]:
    """Returns one line per file of the zip that holds a solution block's code or a solution marker."""
    found = []
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            if name.endswith("/"):
                continue
            text = archive.read(name).decode("utf-8", errors="replace")
            haystack = "\n" + "\n".join(normalized_lines(text)) + "\n"
            found += [f"{name}: holds the code of the solution block at {b.path}:{b.line}"
                      for b in blocks if "\n" + b.code + "\n" in haystack]
            found += [f"{name}:{n}: solution marker {line.strip()!r}"
                      for n, line in enumerate(text.splitlines(), start=1) if _MARKER.match(line)]
    return found


def required_files(repo: Path = REPO) -> list[str]:
    """Returns the files every submission must hold, relative to ``student/``.

    In the repository these are the files of ``solutions/``; in a handout, the
    list the build wrote to ``student.files``.
    """
    listed = repo / REQUIRED_LIST
    if listed.is_file():
        return [line for line in listed.read_text().splitlines() if line and not line.startswith("#")]
    solutions = repo / "solutions"
    if not solutions.is_dir():
        raise BuildError(f"neither {listed} nor {solutions} exists: cannot tell which files a submission needs")
    return sorted(p.relative_to(solutions).as_posix() for p in solutions.rglob("*.py") if "__pycache__" not in p.parts)


def _shipped(rel: str) -> bool:
    parts = rel.split("/")
    return not ("__pycache__" in parts or rel.endswith(".pyc") or any(p.startswith(".") for p in parts)
                or any(rel == x or rel.startswith(x) for x in INSTRUCTOR_ONLY))


def _tree(repo: Path, folder: str) -> dict[str, Path]:
    files = (p for p in sorted((repo / folder).rglob("*")) if p.is_file())
    return {rel: p for p in files if _shipped(rel := p.relative_to(repo).as_posix())}


def _write_zip(out: Path, entries: dict[str, bytes], executable: set[str] = frozenset()) -> None:
    """Writes ``entries`` (zip path -> contents) to ``out``, byte for byte the same for the same input."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=out.parent, suffix=".zip.part", delete=False) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(entries):
                info = zipfile.ZipInfo(name, _ZIP_TIME)
                info.external_attr = (0o100755 if name in executable else 0o100644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, entries[name])
    Path(tmp.name).chmod(0o644)
    Path(tmp.name).replace(out)


def _keep_if_clean(out: Path, repo: Path) -> Path:
    found = leaks(out, solution_blocks(repo / "solutions"))
    if found:
        out.unlink()
        raise BuildError(f"{out.name} would leak solutions, so it was not kept:\n  " + "\n  ".join(found))
    return out


def _common(repo: Path) -> dict[str, bytes]:
    """Returns what both zips hold: the grader, configs, public tests, requirements, the required files."""
    files = {**_tree(repo, "grader"), **_tree(repo, "configs"), **_tree(repo, "tests/public")}
    entries = {rel: path.read_bytes() for rel, path in files.items()}
    entries["tests/__init__.py"] = (repo / "tests" / "__init__.py").read_bytes()
    entries["requirements.txt"] = (repo / "requirements.txt").read_bytes()
    entries[REQUIRED_LIST] = ("# The files of student/ that every submission holds (written by the build).\n"
                              + "".join(f"{rel}\n" for rel in required_files(repo))).encode()
    return entries


def _templates(kind: str, names: dict[str, str]) -> dict[str, bytes]:
    return {name_in_zip: (TEMPLATES / kind / name).read_bytes() for name, name_in_zip in names.items()}


def build_handout(repo: Path = REPO, out: Path | None = None, check: bool = True) -> Path:
    """Returns the path of the handout zip built from ``repo``: everything under ``handout/``.

    ``check=False`` keeps the zip without searching it for leaks (for tests that search it themselves).
    """
    from grader.single_source import generate
    student = generate(repo / "solutions")
    entries = {**_common(repo), **{f"student/{rel}": data for rel, data in student.items()},
               **_templates("handout", HANDOUT_TEMPLATES)}
    out = Path(out or repo / "dist" / "handout.zip")
    _write_zip(out, {f"{HANDOUT_FOLDER}/{rel}": data for rel, data in entries.items()})
    return _keep_if_clean(out, repo) if check else out


def build_autograder(repo: Path = REPO, out: Path | None = None, check: bool = True) -> Path:
    """Returns the path of the Gradescope autograder zip built from ``repo`` (``check`` as for the handout)."""
    entries = {**_common(repo),
               **{rel: path.read_bytes() for rel, path in _tree(repo, "tests/hidden").items()},
               **_templates("autograder", AUTOGRADER_TEMPLATES)}
    out = Path(out or repo / "dist" / "autograder.zip")
    _write_zip(out, entries, executable={"setup.sh", "run_autograder"})
    return _keep_if_clean(out, repo) if check else out


def submission_problems(student: Path, required: list[str]) -> list[str]:
    """Returns what keeps ``student`` from being submitted, one line per problem.

    Problems: a file of ``required`` missing, a syntax error, a forbidden API,
    an invalid tuned config (``configs/experiment.yaml`` beside ``student/``).
    """
    from grader.config import ConfigError, load_config
    from grader.policy import check_tree
    problems = [f"student/{rel}: missing; every file of the handout's student/ is graded "
                "(restore it from the handout if you deleted it)" for rel in required if not (student / rel).is_file()]
    for path in _python_files(student):
        rel = path.relative_to(student).as_posix()
        try:
            compile(path.read_bytes(), f"student/{rel}", "exec")
        except SyntaxError as exc:
            problems.append(f"student/{rel}:{exc.lineno}: syntax error: {exc.msg}; "
                            "a file that does not compile scores 0 on every test that uses it")
        except ValueError as exc:
            problems.append(f"student/{rel}: cannot be compiled: {exc}")
    violations, _ = check_tree(student)
    problems += [f"student/{v}" for v in violations]
    experiment = student.parent / EXPERIMENT
    if experiment.is_file():
        try:
            load_config(experiment)
        except ConfigError as exc:
            problems.append(f"{exc} (fix {EXPERIMENT}, or delete it to submit without a leaderboard entry)")
    return problems


def _python_files(student: Path) -> list[Path]:
    return sorted(p for p in student.rglob("*.py") if p.is_file() and "__pycache__" not in p.parts)


def unfinished(student: Path) -> list[str]:
    """Returns the functions of ``student`` that still raise the skeleton's NotImplementedError."""
    return [m.group("what") for path in _python_files(student)
            for m in _STUB.finditer(path.read_text(encoding="utf-8", errors="replace"))]


def build_submission(student: Path | None = None, out: Path | None = None, repo: Path = REPO) -> Path:
    """Returns the path of a submission zip of ``student`` (default ``student/``).

    The zip holds the .py files of ``student`` under ``student/`` and, when it
    exists, the tuned ``configs/experiment.yaml`` beside ``student`` (the
    leaderboard run). Raises BuildError listing every problem of
    ``submission_problems``; nothing is written then.
    """
    student = Path(student or repo / "student")
    if not student.is_dir():
        raise BuildError(f"{student} is not a folder; run this from the folder that holds student/")
    problems = submission_problems(student, required_files(repo))
    out = Path(out or repo / "dist" / "submission.zip")
    if problems:
        raise BuildError(f"{len(problems)} problem(s) to fix before submitting ({out.name} was not written):\n  "
                         + "\n  ".join(problems))
    entries = {f"student/{p.relative_to(student).as_posix()}": p.read_bytes() for p in _python_files(student)}
    if (student.parent / EXPERIMENT).is_file():
        entries[EXPERIMENT] = (student.parent / EXPERIMENT).read_bytes()
    _write_zip(out, entries)
    return out
