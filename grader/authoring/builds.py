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

import yaml

from grader.authoring.leaks import leaks, solution_blocks
from grader.authoring.single_source import MarkerError, build_student, generate, release
from grader.contract import REPO, REQUIRED_LIST
from grader.course import GIVEN, Assignment, CourseError, assignment, whole_course
from grader.grading.rubric import load_rubric
from grader.grading.secret import secret_text
from grader.submission.files import required_files
from grader.submission.package import shown, write_zip
from grader.yamlfile import read_yaml

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


def _keep_if_clean(out: Path, repo: Path, task: Assignment) -> Path:
    found = leaks(out, solution_blocks(repo / "solutions", released=task.reference_given))
    if found:
        out.unlink()
        raise BuildError(f"{out.name} would leak solutions, so it was not kept:\n  " + "\n  ".join(found))
    return out


def _tests(repo: Path, suite: str, task: Assignment, kind: str) -> dict[str, Path]:
    """Returns the files of test folder ``suite`` that ``task`` ships: its modules' tests and the shared helpers."""
    mine = set(task.tests(suite, repo))
    return {rel: path for rel, path in _tree(repo, suite, kind).items()
            if not Path(rel).name.startswith("test_") or rel in mine}


def _configs(repo: Path, task: Assignment, kind: str) -> dict[str, bytes]:
    """Returns the configs ``task`` ships (with its graded runs' configs); the autograder's rubric holds its runs."""
    rubric = load_rubric(repo / "configs" / "rubric.yaml")
    names = set(task.shipped_configs(repo))
    names |= {run.config.relative_to((repo / "configs").resolve()).as_posix()
              for run in rubric.training if task.whole or run.name in task.training}
    if kind == "autograder":
        names.add("rubric.yaml")
    elif not task.whole:
        names.discard("rubric.yaml")
    entries = {f"configs/{name}": (repo / "configs" / name).read_bytes() for name in sorted(names)
               if _shipped(f"configs/{name}", kind)}
    if not task.whole and kind == "autograder":
        entries["configs/rubric.yaml"] = rubric_for(repo / "configs" / "rubric.yaml", task).encode()
    return entries


def rubric_for(path: Path, task: Assignment) -> str:
    """Returns the rubric text of ``task``: the course rubric with the training runs of ``task`` only."""
    data = read_yaml(path, BuildError, "rubric")
    data["training"] = [run for run in data.get("training") or [] if run.get("name") in task.training]
    return (f"# The rubric of {task.title}, written by the build from configs/rubric.yaml.\n"
            + yaml.safe_dump(data, sort_keys=False))


def _common(repo: Path, kind: str, task: Assignment) -> dict[str, bytes]:
    """Returns what both zips hold: the grader (what ``kind`` takes of it), the configs and public tests of
    ``task``, requirements, the list of required files."""
    files = {**_tree(repo, "grader", kind), **_tests(repo, "tests/public", task, kind)}
    entries = {rel: path.read_bytes() for rel, path in files.items()}
    entries.update(_configs(repo, task, kind))
    entries["tests/__init__.py"] = (repo / "tests" / "__init__.py").read_bytes()
    entries["requirements.txt"] = (repo / "requirements.txt").read_bytes()
    required = required_files(repo) if task.whole else _with_packages(task.required, repo)
    entries[REQUIRED_LIST] = ("# The files of student/ that every submission holds (written by the build).\n"
                              + "".join(f"{rel}\n" for rel in required)).encode()
    return entries


def _with_packages(files: tuple[str, ...], repo: Path) -> list[str]:
    """Returns ``files`` with the ``__init__.py`` of every package they are in."""
    inits = {f"{Path(rel).parent.as_posix()}/__init__.py" for rel in files}
    return sorted(set(files) | {rel for rel in inits if (repo / "solutions" / rel).is_file()})


def _student(repo: Path, task: Assignment) -> dict[str, bytes]:
    """Returns the handout's ``student/``: the skeleton of the exercises, the given files as reference code
    (or nothing, when students keep their own), the packages' ``__init__.py``."""
    skeleton = generate(repo / "solutions")
    if task.whole:
        return skeleton
    tree = {rel: skeleton[rel] for rel in _with_packages(task.exercises + task.given, repo)
            if rel.endswith("__init__.py") or rel in task.exercises}
    tree.update({rel: given_text(repo, rel).encode() for rel in task.reference_given})
    return dict(sorted(tree.items()))


def given_text(repo: Path, rel: str) -> str:
    """Returns the reference code of given file ``rel``: the solution without its markers."""
    return release((repo / "solutions" / rel).read_text(encoding="utf-8"), f"solutions/{rel}")


def _assignment_intro(task: Assignment) -> str:
    """Returns the lines that open an assignment's handout README: which files are the exercises, which given."""
    def files(names):
        return "".join(f"- `student/{rel}`\n" for rel in names)
    given = {"reference": "reference code of the earlier assignments; the grader uses these files as they are "
                          "here, whatever your submission holds",
             "student": "your own files from the earlier assignments: copy them into `student/`; they are part of "
                        "your submission and graded as they are"}[task.given_from]
    text = f"# {task.title}\n\nYour exercises in this assignment:\n\n{files(task.exercises)}\n"
    if task.given:
        text += f"Given ({given}):\n\n{files(task.given)}\n"
    return text + "The rest of this README is the same for every assignment of the course.\n\n"


def _templates(kind: str, names: dict[str, str]) -> dict[str, bytes]:
    return {name_in_zip: (TEMPLATES / kind / name).read_bytes() for name, name_in_zip in names.items()}


def default_out(repo: Path, task: Assignment, what: str) -> Path:
    """Returns ``dist/<what>.zip`` for the whole course, ``dist/<assignment>/<what>.zip`` for an assignment."""
    return repo / "dist" / (f"{what}.zip" if task.whole else f"{task.name}/{what}.zip")


def build_handout(repo: Path = REPO, out: Path | None = None, check: bool = True,
                  task: Assignment | None = None) -> Path:
    """Returns the path of the handout zip of ``task`` (default the whole course) built from ``repo``.

    Everything lies under ``handout/``. ``check=False`` keeps the zip without searching it for leaks (for tests
    that search it themselves).
    """
    task = task or whole_course(repo)
    entries = {**_common(repo, "handout", task), **{f"student/{rel}": data for rel, data in _student(repo, task).items()},
               **_templates("handout", HANDOUT_TEMPLATES)}
    if not task.whole:
        entries["README.md"] = (_assignment_intro(task) + entries["README.md"].decode()).encode()
    out = Path(out or default_out(repo, task, "handout"))
    write_zip(out, {f"{HANDOUT_FOLDER}/{rel}": data for rel, data in entries.items()})
    return _keep_if_clean(out, repo, task) if check else out


def build_autograder(repo: Path = REPO, out: Path | None = None, check: bool = True,
                     task: Assignment | None = None) -> Path:
    """Returns the path of the Gradescope autograder zip of ``task`` built from ``repo`` (``check`` as for the
    handout). The reference code of the given files lies in ``given/``: the grader uses it, whatever a
    submission holds."""
    task = task or whole_course(repo)
    entries = {**_common(repo, "autograder", task), SECRET: (secret_text() + "\n").encode(),
               **{rel: path.read_bytes() for rel, path in _tests(repo, "tests/hidden", task, "autograder").items()},
               **{f"{GIVEN}/{rel}": given_text(repo, rel).encode() for rel in task.reference_given},
               **_templates("autograder", AUTOGRADER_TEMPLATES)}
    out = Path(out or default_out(repo, task, "autograder"))
    write_zip(out, entries, executable={"setup.sh", "run_autograder"})
    return _keep_if_clean(out, repo, task) if check else out


def main(args: argparse.Namespace) -> int:
    """``python -m grader build student|handout|autograder [--assignment NAME] [--out ZIP]``."""
    try:
        if args.what == "student":
            files = build_student()
            print(f"student/ regenerated from solutions/: {len(files)} files")
            return 0
        task = assignment(getattr(args, "assignment", None), runs=[r.name for r in load_rubric().training])
        out = (build_handout if args.what == "handout" else build_autograder)(out=args.out and Path(args.out),
                                                                               task=task)
    except (BuildError, MarkerError, CourseError) as exc:
        print(f"build {args.what}: {exc}")
        return 1
    print(f"{shown(out)}: {out.stat().st_size / 1e6:.2f} MB, searched for solution code and markers: none found")
    return 0
