"""``python -m grader build student|handout|autograder``: the skeleton and the two zips the instructor hands out.

- ``dist/handout.zip`` (one folder, ``handout/``): the student skeleton generated
  from ``solutions/``, ``tests/public``, ``configs/``, the student's part of the
  grader (``STAGES["handout"]``), and a README, Makefile and pytest
  configuration for students.
- ``dist/autograder.zip`` (Gradescope's layout: ``setup.sh`` and
  ``run_autograder`` at the root): requirements, the grader without
  ``authoring/``, the public and hidden tests, ``configs/`` with the rubric.

What of ``grader/`` a zip takes is decided by folder: its top-level modules and
the stage folders of ``STAGES``; ``authoring/`` (this module among them) ships
in neither. Before a zip is kept, every file in it is searched for the code of
every solution block and for solution markers; a zip with a leak is deleted and
the build fails, naming the file and the block. The files students and
Gradescope get beside the code are templates in ``templates/``.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from grader.authoring.leaks import leaks, solution_blocks
from grader.authoring.single_source import build_student, generate
from grader.contract import REPO, REQUIRED_LIST
from grader.grading.secret import secret_text
from grader.submission.files import required_files
from grader.submission.package import shown, write_zip

TEMPLATES = Path(__file__).resolve().parent / "templates"
HANDOUT_FOLDER = "handout"
HANDOUT_TEMPLATES = {"README.md": "README.md", "Makefile": "Makefile", "pyproject.toml": "pyproject.toml",
                     "gitignore": ".gitignore"}
AUTOGRADER_TEMPLATES = {"setup.sh": "setup.sh", "run_autograder": "run_autograder", "pyproject.toml": "pyproject.toml"}
STAGES = {"handout": ("testkit", "training", "submission"),
          "autograder": ("testkit", "training", "submission", "grading", "sandbox")}
"""The folders of ``grader/`` each zip takes beside its top-level modules: never ``authoring/``."""
SECRET = "configs/grading.secret"
"""Where the autograder keeps the grading secret (see ``grader.grading.secret``); never in the handout."""


class BuildError(RuntimeError):
    """An artifact cannot be built; the message says what is wrong and what to do."""


def _shipped(rel: str, kind: str) -> bool:
    parts = rel.split("/")
    if "__pycache__" in parts or rel.endswith(".pyc") or any(p.startswith(".") for p in parts):
        return False
    return parts[0] != "grader" or len(parts) == 2 or parts[1] in STAGES[kind]


def _tree(repo: Path, folder: str, kind: str) -> dict[str, Path]:
    files = (p for p in sorted((repo / folder).rglob("*")) if p.is_file())
    return {rel: p for p in files if _shipped(rel := p.relative_to(repo).as_posix(), kind)}


def _keep_if_clean(out: Path, repo: Path) -> Path:
    found = leaks(out, solution_blocks(repo / "solutions"))
    if found:
        out.unlink()
        raise BuildError(f"{out.name} would leak solutions, so it was not kept:\n  " + "\n  ".join(found))
    return out


def _common(repo: Path, kind: str) -> dict[str, bytes]:
    """Returns what both zips hold: the grader (what ``kind`` takes of it), configs, public tests, requirements,
    the list of required files."""
    files = {**_tree(repo, "grader", kind), **_tree(repo, "configs", kind), **_tree(repo, "tests/public", kind)}
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
    student = generate(repo / "solutions")
    entries = {**_common(repo, "handout"), **{f"student/{rel}": data for rel, data in student.items()},
               **_templates("handout", HANDOUT_TEMPLATES)}
    out = Path(out or repo / "dist" / "handout.zip")
    write_zip(out, {f"{HANDOUT_FOLDER}/{rel}": data for rel, data in entries.items()})
    return _keep_if_clean(out, repo) if check else out


def build_autograder(repo: Path = REPO, out: Path | None = None, check: bool = True) -> Path:
    """Returns the path of the Gradescope autograder zip built from ``repo`` (``check`` as for the handout)."""
    entries = {**_common(repo, "autograder"), SECRET: (secret_text() + "\n").encode(),
               **{rel: path.read_bytes() for rel, path in _tree(repo, "tests/hidden", "autograder").items()},
               **_templates("autograder", AUTOGRADER_TEMPLATES)}
    out = Path(out or repo / "dist" / "autograder.zip")
    write_zip(out, entries, executable={"setup.sh", "run_autograder"})
    return _keep_if_clean(out, repo) if check else out


def main(args: argparse.Namespace) -> int:
    """``python -m grader build student|handout|autograder [--out ZIP]``."""
    if args.what == "student":
        files = build_student()
        print(f"student/ regenerated from solutions/: {len(files)} files")
        return 0
    try:
        out = (build_handout if args.what == "handout" else build_autograder)(out=args.out and Path(args.out))
    except BuildError as exc:
        print(f"build {args.what}: {exc}")
        return 1
    print(f"{shown(out)}: {out.stat().st_size / 1e6:.2f} MB, searched for solution code and markers: none found")
    return 0
