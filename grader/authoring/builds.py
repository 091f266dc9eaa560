"""``python -m grader build student|handout|autograder``: the skeleton and the two zips the instructor hands out.

- ``dist/handout.zip`` (one folder, ``handout/``): the student skeleton generated
  from ``solutions/``, ``tests/public``, ``configs/`` without the rubric, the
  student's part of the grader (``STAGES["handout"]``), the students'
  ``requirements.txt``, and a README, Makefile and pytest configuration for
  students, rendered for the zip (``render``): they name only files it holds,
  and the README states the graded training runs' thresholds, read from the
  rubric here.
- ``dist/autograder.zip`` (Gradescope's layout: ``setup.sh`` and
  ``run_autograder`` at the root): a ``requirements.txt`` of the students'
  packages and those grading adds (``requirements-grading.txt``), the grader
  without ``authoring/``, the public and hidden tests, ``configs/`` with the
  rubric.

What only the instructor's tools and CI use (``requirements-instructor.txt``)
ships in neither.

What of ``grader/`` a zip takes is decided by folder: its top-level modules and
the stage folders of ``STAGES``; ``authoring/`` (this module among them) ships
in neither. Before a zip is kept, every file in it is searched for the code of
every solution block and for solution markers; a zip with a leak is deleted and
the build fails, naming the file and the block. The files students and
Gradescope get beside the code are templates in ``templates/``.
"""
from __future__ import annotations

import argparse
import re
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
STUDENT_REQUIREMENTS, GRADING_REQUIREMENTS = "requirements.txt", "requirements-grading.txt"
"""What students install (the handout ships it); what the autograder installs besides (its own requirements.txt
holds both). ``make setup`` here installs these and ``requirements-instructor.txt``."""
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
    else:  # what students read of it, the handout's README says (training_runs)
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
    entries["requirements.txt"] = requirements(repo, kind).encode()
    required = required_files(repo) if task.whole else _with_packages(task.required, repo)
    entries[REQUIRED_LIST] = ("# The files of student/ that every submission holds (written by the build).\n"
                              + "".join(f"{rel}\n" for rel in required)).encode()
    return entries


def requirements(repo: Path, kind: str) -> str:
    """Returns the ``requirements.txt`` of a ``kind`` zip: the students' file as it is for the handout; for the
    autograder, the students' packages followed by those that grading adds."""
    text = (repo / STUDENT_REQUIREMENTS).read_text(encoding="utf-8")
    if kind == "autograder" and (repo / GRADING_REQUIREMENTS).is_file():
        text = text.rstrip("\n") + "\n" + (repo / GRADING_REQUIREMENTS).read_text(encoding="utf-8")
    return text


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


_BLOCK = re.compile(r"^<!-- if (\S+) -->\n(.*?)^<!-- end if -->\n", re.M | re.S)
_PLACEHOLDER = re.compile(r"@[A-Z][A-Z_]*@")
_COMMENTS = re.compile(r"^```\n(?:.*  # .*\n)+(?=```$)", re.M)
"""A fenced block of commands, each with a comment: its comments are aligned again once the examples are in."""


def _aligned(block: str) -> str:
    lines = [line.split("  # ", 1) for line in block.splitlines()[1:]]
    width = max(len(code.rstrip()) for code, _ in lines) + 2
    return "```\n" + "".join(f"{code.rstrip():<{width}}# {comment}\n" for code, comment in lines)


def render(text: str, files: set[str], values: dict[str, str]) -> str:
    """Returns template ``text`` for a zip that holds ``files``: every ``<!-- if PATH -->`` ... ``<!-- end if -->``
    block is kept (without its marker lines) only when the zip holds PATH (a folder when it ends with ``/``), every
    ``@NAME@`` is replaced by ``values[NAME]``, and the comments of a fenced block of commands are aligned again."""
    def block(match: re.Match) -> str:
        path = match.group(1)
        held = any(f.startswith(path) for f in files) if path.endswith("/") else path in files
        return match.group(2) if held else ""

    text = _BLOCK.sub(block, text)
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    text = _COMMENTS.sub(lambda m: _aligned(m.group(0)), text)
    left = sorted(set(_PLACEHOLDER.findall(text)) | ({"<!-- if"} if "<!-- if" in text else set()))
    if left:
        raise BuildError(f"a handout template keeps {', '.join(left)}: no value or no closing '<!-- end if -->'")
    return text


def training_runs(repo: Path, task: Assignment) -> str:
    """Returns the Markdown table of the graded training runs of ``task``: config, points and thresholds, read from
    the rubric (which the handout does not hold)."""
    runs = [run for run in load_rubric(repo / "configs" / "rubric.yaml").training
            if task.whole or run.name in task.training]
    if not runs:
        return "This assignment grades no training run."
    lines = ["| run | config | points | full points at accuracy | no points at accuracy | time limit |",
             "| --- | --- | ---: | ---: | ---: | ---: |"]
    for run in runs:
        config = f"`configs/{run.config.name}`" + (" (yours)" if run.from_submission else "")
        if run.points == 0:
            points, full, zero = "0: the leaderboard" if run.leaderboard else "0", "-", "-"
        else:
            points, full, zero = f"{run.points:g}", f"{run.full:.2f}", f"{run.zero:.2f}"
        lines.append(f"| `{run.name}` | {config} | {points} | {full} | {zero} | {run.time_limit_s:g} s |")
    return "\n".join(lines)


def handout_values(repo: Path, task: Assignment, files: set[str]) -> dict[str, str]:
    """Returns the values of the handout templates' placeholders: examples that name files of this handout, and the
    training runs."""
    tests = sorted(f for f in files if re.fullmatch(r"tests/public/test_\w+\.py", f))
    graded = [f"configs/{run.config.name}" for run in load_rubric(repo / "configs" / "rubric.yaml").training
              if (task.whole or run.name in task.training) and not run.from_submission]
    others = sorted(f for f in files if re.fullmatch(r"configs/\w+\.yaml", f) and f != "configs/policy.yaml")
    configs = [f for f in graded + others if f in files]  # a graded run's config first: the one to try
    if not tests or not configs:
        raise BuildError(f"the handout of {task.title} holds no public test or no training config to show")
    return {"EXAMPLE_TEST": tests[0], "EXAMPLE_K": Path(tests[0]).stem.removeprefix("test_"),
            "EXAMPLE_CONFIG": configs[0], "TRAINING_RUNS": training_runs(repo, task)}


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
    values = handout_values(repo, task, set(entries))
    for name in ("README.md", "Makefile"):
        entries[name] = render(entries[name].decode(), set(entries), values).encode()
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
