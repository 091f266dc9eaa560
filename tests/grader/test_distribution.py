"""The handout, the autograder zip and submission zips: built for real, searched for leaks, run end to end.

The end-to-end tests share one virtual environment, installed offline from a
local wheel folder (``build/wheels``, filled once with ``pip wheel``) by the
handout's own ``make setup``; the autograder's ``setup.sh`` then runs against
the same interpreter. The autograder runs in a temporary root laid out like
Gradescope's ``/autograder``.
"""
import ast
import json
import os
import re
import shutil
import subprocess
import socket
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from grader.authoring import builds as build
from grader.authoring import leaks
from grader.contract import EXPERIMENT
from grader.course import Assignment, load_course, whole_course
from grader.grading.results import validate
from grader.grading.rubric import DEFAULT_RUBRIC, load_rubric
from tests.grader.attacks import DAEMON_NAME, SPY_ATTEMPTS, neighbour, processes_named, refusals, spy
from tests.grader.distribution_helpers import code_units, file_digest, pytest_summary, run, shared_python, unzip

REPO = Path(__file__).resolve().parents[2]
WHEELS = REPO / "build" / "wheels"
SOLVED, BROKEN = "layers/conv.py", "layers/pool.py"  # exercises of the last (smallest) assignment
COURSE = load_course(runs=[r.name for r in load_rubric(DEFAULT_RUBRIC).training]).assignments


@pytest.fixture(scope="module")
def zips(tmp_path_factory) -> dict[str, Path]:
    """The handout and autograder zips, built without the build's own leak search (the tests search them)."""
    out = tmp_path_factory.mktemp("dist")
    return {"handout": build.build_handout(out=out / "handout.zip", check=False),
            "autograder": build.build_autograder(out=out / "autograder.zip", check=False)}


def names_in(zip_path: Path) -> list[str]:
    with zipfile.ZipFile(zip_path) as archive:
        return archive.namelist()


# --- leaks -------------------------------------------------------------------------------------------------


def test_handout_holds_no_solution_code_and_no_solution_marker(zips):
    blocks = leaks.solution_blocks()
    assert len(blocks) >= 10, "the leak search found almost no solution blocks to look for"
    assert leaks.leaks(zips["handout"], blocks) == []


def test_autograder_holds_no_solution_code(zips):
    assert leaks.leaks(zips["autograder"], leaks.solution_blocks()) == []


def test_handout_holds_no_hidden_test_mutant_or_test_of_the_grader(zips):
    public = {code for path in (REPO / "tests" / "public").rglob("*.py") for _, code in code_units(path)}
    secret = [(f"{path.relative_to(REPO)}:{name}", code)
              for folder in ("tests/hidden", "tests/grader", "tests/mutants")
              for path in sorted((REPO / folder).rglob("*.py"))
              for name, code in code_units(path) if code not in public]
    assert len(secret) >= 10
    with zipfile.ZipFile(zips["handout"]) as archive:
        texts = {name: "\n".join(leaks.normalized_lines(archive.read(name).decode("utf-8", "replace")))
                 for name in archive.namelist()}
    found = [f"{name} holds {what}" for what, code in secret for name, text in texts.items()
             if f"\n{code}\n" in f"\n{text}\n"]
    assert found == []
    assert not [n for n in texts if n.startswith(("handout/tests/hidden", "handout/tests/grader", "handout/tests/mutants",
                                                  "handout/solutions"))]


def test_leak_search_finds_a_block_a_line_or_a_renamed_copy_and_ignores_short_ones(tmp_path):
    solutions = tmp_path / "solutions" / "layers"
    solutions.mkdir(parents=True)
    (solutions / "ops.py").write_text(
        "def scale(x):\n    # BEGIN SOLUTION\n    shifted = x - x.max(axis=1, keepdims=True)\n    return shifted * 2\n"
        "    # END SOLUTION\n\n\ndef ident(x):\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION\n")
    blocks = leaks.solution_blocks(tmp_path / "solutions")
    assert [(b.path, b.line) for b in blocks] == [("solutions/layers/ops.py", 2)]
    leaky = tmp_path / "leaky.zip"
    with zipfile.ZipFile(leaky, "w") as archive:
        archive.writestr("a/copied.py", "class A:\n  def f(self, x):\n\n      shifted = x - x.max(axis=1,  keepdims=True)\n"
                                        "      # a comment in between\n      return shifted * 2\n")
        archive.writestr("b/common.py", "def g(x):\n    return x\n")
        archive.writestr("c/half.py", "shifted = x - x.max(axis=1, keepdims=True)\nreturn shifted * 3\n")
        archive.writestr("d/notes.md", "text\n  # BEGIN SOLUTION\n")
        archive.writestr("e/renamed.py", "def h(a):\n    s = a - a.max(axis=1, keepdims=True)\n    return s * 2\n")
    line = "'shifted=x-x.max(axis=1,keepdims=True)'"
    assert leaks.leaks(leaky, blocks) == [
        "a/copied.py: holds the code of the solution block at solutions/layers/ops.py:2",
        f"a/copied.py: holds the line {line} of the solution block at solutions/layers/ops.py:2",
        "a/copied.py:2: a function whose body is the solution block at solutions/layers/ops.py:2 with other names",
        f"c/half.py: holds the line {line} of the solution block at solutions/layers/ops.py:2",
        "d/notes.md:2: solution marker '# BEGIN SOLUTION'",
        "e/renamed.py:1: a function whose body is the solution block at solutions/layers/ops.py:2 with other names"]


def test_a_build_that_would_ship_a_solution_line_fails_and_keeps_no_zip(tmp_path):
    repo = tmp_path / "repo"
    for name in ("grader", "configs", "tests", "solutions"):
        shutil.copytree(REPO / name, repo / name, ignore=shutil.ignore_patterns("__pycache__", "mutants", "hidden"))
    (repo / "requirements.txt").write_text("numpy\n")
    block = next(b for b in leaks.solution_blocks() if len(b.code.split("\n")[0]) >= leaks.MIN_LINE_CHARS)
    copied = open(REPO / block.path).read().splitlines()[block.line]
    (repo / "tests" / "public" / "test_copied.py").write_text(f"def helper(x):\n{copied}\n")
    with pytest.raises(build.BuildError, match="holds the line"):
        build.build_handout(repo, out=tmp_path / "handout.zip")
    assert not (tmp_path / "handout.zip").exists()


# --- what the zips hold ------------------------------------------------------------------------------------


def test_handout_holds_what_students_need_under_one_folder(zips):
    names = names_in(zips["handout"])
    assert all(n.startswith("handout/") for n in names)
    for needed in ("README.md", "Makefile", "pyproject.toml", "requirements.txt", "student.files",
                   "student/layers/activations.py", "tests/__init__.py", "tests/public/test_activations.py",
                   "configs/policy.yaml", "grader/testkit/plugin.py", "grader/submission/policy.py",
                   "grader/submission/package.py", "grader/training/fit.py"):
        assert f"handout/{needed}" in names
    for not_for_students in ("grader/authoring/", "grader/grading/", "grader/sandbox/"):
        assert not [n for n in names if n.startswith(f"handout/{not_for_students}")], not_for_students
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_autograder_has_executable_scripts_at_its_root_and_the_hidden_tests(zips):
    with zipfile.ZipFile(zips["autograder"]) as archive:
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    for script in ("setup.sh", "run_autograder"):
        assert modes[script] & 0o111, f"{script} is not executable"
    for needed in ("requirements.txt", "pyproject.toml", "configs/rubric.yaml", "tests/hidden/strategies.py",
                   "tests/hidden/test_activations.py", "tests/public/test_activations.py", "grader/grading/plugin.py",
                   "grader/sandbox/worker.py"):
        assert needed in modes
    assert not [n for n in modes if n.startswith(("student/", "solutions/", "tests/grader", "tests/mutants",
                                                  "grader/authoring/"))]


def test_builds_are_reproducible(tmp_path):
    first = build.build_autograder(out=tmp_path / "first.zip", check=False).read_bytes()
    assert build.build_autograder(out=tmp_path / "again.zip", check=False).read_bytes() == first


# --- what students read: the README, the Makefile, the requirements ----------------------------------------

HANDOUTS = [whole_course(), *COURSE]
MADE_HERE = {".venv/": "make setup", "runs/": "make train", "dist/": "make submission", "tests/mine/": "the student"}
"""Folders a handout's README and Makefile may name without the handout holding them: what the commands (or the
student, writing a test of their own) make."""
_SEGMENT = r"(?:[\w.*-]|<[^<>\n]+>)+"
PATH = re.compile(rf"(?<![\w$()/.\\<-])({_SEGMENT}(?:/{_SEGMENT})+/?|{_SEGMENT}/|{_SEGMENT}\.(?:py|yaml|txt|toml|md))"
                  r"(?![\w/])")
"""A path as a README or Makefile writes it: with a slash (``configs/<name>.yaml``, ``student/``), or a file name with
one of the handout's extensions (``requirements.txt``); ``<...>`` and ``*`` stand for any name. URLs are no paths."""


@pytest.fixture(scope="module")
def handouts(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """Every handout (the whole course's and each assignment's): its files, by their path under ``handout/``."""
    out = tmp_path_factory.mktemp("handouts")
    built = {}
    for task in HANDOUTS:
        with zipfile.ZipFile(build.build_handout(out=out / f"{task.name}.zip", task=task, check=False)) as archive:
            built[task.name] = {name.removeprefix("handout/"): archive.read(name) for name in archive.namelist()}
    return built


def named_paths(text: str) -> list[str]:
    """Returns every path ``text`` names (see PATH)."""
    return sorted({m.group(1).rstrip(".") for m in PATH.finditer(text)} - {""})


def held(path: str, files: set[str]) -> bool:
    """True when a handout of ``files`` holds ``path`` (a file, a folder, or a pattern of ``<...>`` and ``*``)."""
    pattern = re.escape(path).replace(r"\*", "[^/]*")
    pattern = re.sub(r"<[^<>]+>", "[^/]+", pattern.replace("\\<", "<").replace("\\>", ">"))
    if "/" not in path:  # a file name alone: a file of that name anywhere in the handout
        return any(re.fullmatch(pattern, Path(f).name) for f in files)
    if path.endswith("/"):
        return any(re.match(pattern, f) for f in files)
    return any(re.fullmatch(pattern, f) or re.match(pattern + "/", f) for f in files)


@pytest.mark.parametrize("task", HANDOUTS, ids=[t.name for t in HANDOUTS])
def test_the_handout_readme_and_makefile_name_only_files_the_handout_holds(handouts, task):
    """Every path the README and the Makefile name is in the handout, or is made by a command or the student
    (MADE_HERE, never in the zip): no rubric, no config or test file of another assignment."""
    files = set(handouts[task.name])
    assert not [f for f in files for made in MADE_HERE if f.startswith(made)]
    for name in ("README.md", "Makefile"):
        text = handouts[task.name][name].decode()
        paths = named_paths(text)
        assert any(p.startswith("tests/public/test_") for p in paths) and "requirements.txt" in paths, paths
        missing = [p for p in paths if not f"{p}/".startswith(tuple(MADE_HERE)) and not held(p, files)]
        assert missing == [], f"{name} of {task.name} names what its handout does not hold"
        assert "@" not in re.sub(r"\$@|@(test|case|echo|touch|#)\b", "", text), "a placeholder was left"
        assert "<!--" not in text


def test_path_search_finds_paths_and_patterns_and_skips_urls():
    text = ("`configs/<name>.yaml`, runs/<config name>/ and `student/`; `requirements.txt`; tests/*|*.py|*::*\n"
            "PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu $(VENV)/.installed layers.activations\n")
    assert named_paths(text) == ["*.py", "configs/<name>.yaml", "requirements.txt", "runs/<config name>/", "student/",
                                 "tests/*"]
    files = {"configs/mlp.yaml", "student/layers/a.py", "requirements.txt", "tests/public/test_a.py"}
    assert all(held(p, files) for p in ["configs/<name>.yaml", "student/", "tests/*", "*.py", "requirements.txt",
                                        "student/layers", "tests/public/test_a.py"])
    assert not any(held(p, files) for p in ["configs/rubric.yaml", "configs/study/", "rubric.yaml", "tests/hidden"])


@pytest.mark.parametrize("task", HANDOUTS, ids=[t.name for t in HANDOUTS])
def test_the_handout_readme_states_the_thresholds_of_its_graded_runs(handouts, task):
    """The rubric does not ship; the README gives each graded run of the handout's assignment its config, points,
    thresholds and time limit, as the rubric says when the handout is built."""
    assert not [f for f in handouts[task.name] if f.endswith("rubric.yaml")]
    readme = handouts[task.name]["README.md"].decode()
    runs = [r for r in load_rubric(DEFAULT_RUBRIC).training if task.whole or r.name in task.training]
    assert runs
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)` \|.*\|$", readme, re.M)}
    assert set(rows) == {r.name for r in runs}, rows
    for run in runs:
        cells = [c.strip() for c in rows[run.name].strip("|").split("|")]
        assert cells[1].startswith(f"`configs/{run.config.name}`") and cells[5] == f"{run.time_limit_s:g} s"
        if run.points:
            assert cells[2:5] == [f"{run.points:g}", f"{run.full:.2f}", f"{run.zero:.2f}"], cells
        else:
            assert cells[2].startswith("0") and "leaderboard" in cells[2]


INSTRUCTOR_ONLY = ("copydetect", "kubernetes-validate", "kubernetes_validate")


def requirement_names(text: str) -> set[str]:
    """Returns the normalized package names of a requirements file's text."""
    names = {re.split(r"[<>=!~;\[ ]", line.strip(), maxsplit=1)[0] for line in text.splitlines()}
    return {re.sub(r"[-_.]+", "-", n).lower() for n in names if n and not n.startswith(("#", "-"))}


def test_the_handout_ships_only_the_students_requirements_and_the_autograder_adds_grading(handouts, zips):
    """The handout's requirements.txt is this repository's (students' packages only); the autograder's holds those
    and requirements-grading.txt's; requirements-instructor.txt ships in neither."""
    students = (REPO / "requirements.txt").read_text()
    for task in HANDOUTS:
        files = handouts[task.name]
        assert files["requirements.txt"].decode() == students
        assert [f for f in files if "requirements" in f] == ["requirements.txt"]
    assert not requirement_names(students) & {re.sub(r"[-_.]+", "-", n) for n in INSTRUCTOR_ONLY + ("jsonschema",)}
    with zipfile.ZipFile(zips["autograder"]) as archive:
        autograder = archive.read("requirements.txt").decode()
        assert [n for n in archive.namelist() if "requirements" in n] == ["requirements.txt"]
    grading = requirement_names((REPO / "requirements-grading.txt").read_text())
    assert requirement_names(autograder) == requirement_names(students) | grading and grading


def _imported(paths: list[Path]) -> dict[str, set[str]]:
    """Returns the distributions that the code of ``paths`` imports (optional imports aside), each with a file."""
    from importlib.metadata import packages_distributions

    local = {"grader", "tests", "solutions", "student", "layers", "models", "optimizers", "utils"}
    distributions = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        optional = {id(n) for t in ast.walk(tree) if isinstance(t, ast.Try)
                    and any("ImportError" in ast.unparse(h.type or ast.Name("")) for h in t.handlers)
                    for stmt in t.body for n in ast.walk(stmt)}
        for node in ast.walk(tree):
            if id(node) in optional:
                continue
            tops = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
            for top in (t.split(".")[0] for t in tops):
                if top in sys.stdlib_module_names or top in local or top == "__future__":
                    continue
                for dist in distributions.get(top, [top]):
                    found.setdefault(re.sub(r"[-_.]+", "-", dist).lower(), set()).add(path.relative_to(REPO).as_posix())
    return found


def _python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((REPO / folder).rglob("*.py")) if "__pycache__" not in p.parts]


def test_each_requirements_file_holds_what_its_audience_imports_and_nothing_else():
    """requirements.txt: exactly what the handout's code and the code students write (the solutions) import;
    requirements-grading.txt: exactly what the autograder's code imports beyond it; requirements-instructor.txt:
    exactly what the rest of this repository (the instructor's tools, the grader's tests) imports beyond both."""
    students = requirement_names((REPO / "requirements.txt").read_text())
    grading = requirement_names((REPO / "requirements-grading.txt").read_text())
    instructor = requirement_names((REPO / "requirements-instructor.txt").read_text())
    def shipped(kind: str, *folders: str) -> list[Path]:  # with the solutions: the code students write
        return [p for p in _python_files(*folders, "solutions") if p.is_relative_to(REPO / "solutions")
                or build._shipped(p.relative_to(REPO).as_posix(), kind)]

    handout = shipped("handout", "grader", "tests/public")
    autograder = shipped("autograder", "grader", "tests/public", "tests/hidden")
    everything = _python_files("grader", "tests", "solutions")
    assert set(_imported(handout)) == students
    assert set(_imported(autograder)) - students == grading
    assert set(_imported(everything)) - students - grading == instructor
    assert not students & grading and not (students | grading) & instructor


def test_the_readme_example_test_runs_in_the_handout(zips, tmp_path):
    """The README's test of one's own, written where it says, passes on the solutions, fails on the skeleton, and
    fails on a wrong softmax with the check's message and the example's hint, run as `make test TESTS=...` runs it."""
    handout = unzip(zips["handout"], tmp_path) / "handout"
    example = re.search(r"^```python\n# (tests/mine/\S+\.py)\n(.*?)^```$", (handout / "README.md").read_text(),
                        re.M | re.S)
    assert example, "the README has no example test"
    (handout / example.group(1)).parent.mkdir(parents=True)
    (handout / example.group(1)).write_text(example.group(2))
    assert f"make test TESTS={Path(example.group(1)).parent.as_posix()}" in (handout / "README.md").read_text()
    wrong = shutil.copytree(REPO / "solutions", tmp_path / "wrong", ignore=shutil.ignore_patterns("__pycache__"))
    losses = wrong / "layers" / "losses.py"
    losses.write_text(losses.read_text().replace("return e / np.sum(e, axis=-1, keepdims=True)", "return e / e.sum()"))
    env = {k: v for k, v in os.environ.items() if k != "CI"}

    def pytest_in_handout(impl: Path | None) -> subprocess.CompletedProcess:
        return run([sys.executable, "-m", "pytest", str(Path(example.group(1)).parent),
                    *(["--impl", str(impl)] if impl else [])], cwd=handout, env=env)

    solved = pytest_in_handout(REPO / "solutions")
    assert solved.returncode == 0 and re.search(r"\b2 passed", pytest_summary(solved.stdout)), solved.stdout[-3000:]
    skeleton = pytest_in_handout(None)
    assert "2 failed" in pytest_summary(skeleton.stdout) and "is not implemented yet" in skeleton.stdout
    broken = pytest_in_handout(wrong)
    assert "1 failed, 1 passed" in pytest_summary(broken.stdout), broken.stdout[-3000:]
    assert "softmax of equal scores is wrong" in broken.stdout and "hint: every row of equal scores" in broken.stdout


# --- submission checks -------------------------------------------------------------------------------------


def skeleton_copy(tmp_path: Path) -> Path:
    student = tmp_path / "work" / "student"
    shutil.copytree(REPO / "student", student, ignore=shutil.ignore_patterns("__pycache__"))
    return student


def test_submission_names_every_missing_file_syntax_error_and_forbidden_api(tmp_path):
    student = skeleton_copy(tmp_path)
    (student / "layers" / "activations.py").unlink()
    (student / "layers" / "losses.py").write_text("def softmax(z):\n    return z +\n")
    (student / "utils" / "metrics.py").write_text("import torch.nn.functional as F\n")
    (student.parent / "configs").mkdir()
    (student.parent / EXPERIMENT).write_text("data: {name: digits}\nmodel: {type: mlp}\nlearning_rate: 1\n")
    out = tmp_path / "submission.zip"
    result = run([sys.executable, "-m", "grader", "build", "submission", "--source", str(student), "--out", str(out)],
                 cwd=REPO)
    assert result.returncode == 1, result.stdout
    assert "student/layers/activations.py: missing" in result.stdout
    assert "student/layers/losses.py:2: syntax error" in result.stdout
    assert "student/utils/metrics.py:1: torch.nn.functional is not allowed here" in result.stdout
    assert f"{EXPERIMENT}: missing section" in result.stdout
    assert "4 problem(s)" in result.stdout
    assert not out.exists()


def test_submission_zip_holds_the_py_files_and_the_tuned_config_and_lists_unfinished_functions(tmp_path):
    student = skeleton_copy(tmp_path)
    (student.parent / "configs").mkdir()
    shutil.copy(REPO / "configs" / "softmax_regression.yaml", student.parent / EXPERIMENT)
    (student / "layers" / "__pycache__").mkdir()
    (student / "layers" / "__pycache__" / "losses.cpython-311.pyc").write_bytes(b"\0")
    (student / "notes.txt").write_text("my notes")
    out = tmp_path / "submission.zip"
    result = run([sys.executable, "-m", "grader", "build", "submission", "--source", str(student), "--out", str(out)],
                 cwd=REPO)
    assert result.returncode == 0, result.stdout
    expected = [f"student/{p.relative_to(student).as_posix()}" for p in student.rglob("*.py")]
    assert sorted(names_in(out)) == sorted(expected + [EXPERIMENT])
    assert "relu_forward in student/layers/activations.py" in result.stdout


# --- end to end: the handout and the autograder, set up offline -------------------------------------------


ZIP_REQUIREMENTS = ("requirements.txt", "requirements-grading.txt")
"""What the handout (the first) and the autograder (both) install: the wheel folder holds them."""


@pytest.fixture(scope="module")
def wheels() -> Path:
    """The local wheel folder that every offline setup installs from, filled once per content of ZIP_REQUIREMENTS
    (from the folder itself when it holds them all already, else from the network)."""
    stamp = WHEELS / (".complete-" + "-".join(file_digest(REPO / name)[:32] for name in ZIP_REQUIREMENTS))
    if not stamp.exists():
        files = [arg for name in ZIP_REQUIREMENTS for arg in ("-r", name)]
        command = [sys.executable, "-m", "pip", "wheel", "--quiet", *files, "-w", str(WHEELS)]
        result = run(command + ["--no-index", "--find-links", str(WHEELS)], cwd=REPO, timeout=900)
        if result.returncode != 0:
            result = run(command, cwd=REPO, timeout=900)
        assert result.returncode == 0, f"cannot fill {WHEELS} (pip wheel needs the network once):\n{result.stdout}"
        stamp.touch()
    return WHEELS


@pytest.fixture(scope="module")
def workspace():
    """A folder every user can enter (the sandbox's unprivileged worker reads the interpreter in it)."""
    path = Path(tempfile.mkdtemp(prefix="kit-e2e-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def offline(wheels, workspace) -> dict[str, str]:
    """The environment of every command below: pip reads only the local wheel folder."""
    # a make that runs these tests passes its variables (TESTS=...) down to every make below it: not to the handout's
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "VIRTUAL_ENV", "MAKE", "MFLAGS")) and k != "TESTS"}
    return {**env, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels), "PYTHON": shared_python(),
            "VENV": str(workspace / "venv")}


@pytest.fixture(scope="module")
def python(zips, workspace, offline) -> Path:
    """The interpreter that the handout's `make setup` created and installed into, offline."""
    handout = unzip(zips["handout"], workspace / "setup") / "handout"
    result = run(["make", "setup"], cwd=handout, env=offline, timeout=900)
    assert result.returncode == 0, result.stdout
    return workspace / "venv" / "bin" / "python"


def handout_copy(zips, workspace: Path, name: str) -> Path:
    return unzip(zips["handout"], workspace / name) / "handout"


def test_handout_public_tests_fail_on_the_skeleton_with_messages(zips, workspace, offline, python):
    """The skeleton with one import error in layers/losses.py: the error is shown at most twice, the run ends with
    one line per failed test, and ``make test TESTS=<file>`` runs that file alone."""
    handout = handout_copy(zips, workspace, "skeleton")
    losses = handout / "student" / "layers" / "losses.py"
    losses.write_text(losses.read_text().replace("import numpy as np\n", "import numpy as np\nimport nowhere_at_all\n", 1))
    env = {k: v for k, v in offline.items() if k != "CI"}
    result = run(["make", "test"], cwd=handout, env=env)
    assert result.returncode != 0
    summary = pytest_summary(result.stdout)
    assert " failed" in summary and "passed" not in summary and "error" not in summary, result.stdout[-3000:]
    assert "is not implemented yet" in result.stdout
    assert 1 <= result.stdout.count("No module named 'nowhere_at_all'") <= 2, result.stdout[-5000:]
    failed = int(re.search(r"(\d+) failed", summary).group(1))
    lines = result.stdout[result.stdout.index("failed, one line each"):].splitlines()[1:]
    lines = [line for line in lines if line.startswith(("FAILED ", "ERROR "))]
    assert len(lines) == failed, result.stdout[-3000:]
    assert "grader/testkit" not in result.stdout
    table = result.stdout[result.stdout.index("= points per module ="):]
    assert result.stdout.index("failed, one line each") < result.stdout.index("= points per module =")
    assert re.search(r"^losses +0/\d+$", table, re.M) and re.search(r"^total +0/[1-9]\d*$", table, re.M), table
    only = run(["make", "test", "TESTS=tests/public/test_linear.py"], cwd=handout, env=env)
    ran = set(re.findall(r"^(?:FAILED|ERROR) (tests/public/[\w.]+)::", only.stdout, re.M))
    assert ran == {"tests/public/test_linear.py"}, only.stdout[-3000:]


@pytest.fixture(scope="module")
def solved_submission(zips, workspace, offline, python) -> Path:
    """The handout with the solutions copied into student/: its public tests pass (one file here: every public test
    passes on the solutions in make test's own run, and every assignment's autograder gives them full marks below),
    `make submission` zips it."""
    handout = handout_copy(zips, workspace, "solved")
    shutil.copytree(REPO / "solutions", handout / "student", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    tests = run(["make", "test", "TESTS=tests/public/test_linear.py", "ARGS=-q"], cwd=handout, env=offline)
    assert tests.returncode == 0 and " passed" in pytest_summary(tests.stdout), tests.stdout[-5000:]
    points = re.search(r"^linear +(\d+)/(\d+)$", tests.stdout, re.M)
    assert points and points.group(1) == points.group(2) != "0", tests.stdout[-2000:]
    submission = run(["make", "submission"], cwd=handout, env=offline)
    assert submission.returncode == 0, submission.stdout
    assert "NotImplementedError" not in submission.stdout
    return handout / "dist" / "submission.zip"


def test_handout_public_tests_pass_with_the_solutions_and_make_submission_zips_them(solved_submission):
    names = names_in(solved_submission)
    assert "student/layers/activations.py" in names
    assert all(n.startswith("student/") and n.endswith(".py") for n in names if n != EXPERIMENT)
    assert (EXPERIMENT in names) == (REPO / EXPERIMENT).is_file()


LAST = COURSE[-1].name
"""The autograder of the last assignment (the fewest tests) also serves the attacks and the unprivileged grader below."""


@pytest.fixture(scope="module")
def course_zips(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """Every assignment's handout and autograder, each searched for leaks by the build itself."""
    out = tmp_path_factory.mktemp("course")
    return {a.name: {"handout": build.build_handout(out=out / a.name / "handout.zip", task=a),
                     "autograder": build.build_autograder(out=out / a.name / "autograder.zip", task=a)}
            for a in COURSE}


@pytest.fixture(scope="module")
def autograders(course_zips, workspace, offline, python) -> dict[str, Path]:
    """Per assignment, a root laid out like Gradescope's /autograder, after its setup.sh installed into the shared
    interpreter."""
    roots = {}
    for name, zips_of in course_zips.items():
        root = workspace / f"autograder-{name}"
        unzip(zips_of["autograder"], root / "source")
        shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
        result = run(["bash", "source/setup.sh"], cwd=root, env={**offline, "PYTHON": str(python)}, timeout=900)
        assert result.returncode == 0, result.stdout
        assert "the grader imports" in result.stdout
        roots[name] = root
    return roots


@pytest.fixture(scope="module")
def autograder(autograders) -> Path:
    return autograders[LAST]


def grade(root: Path, env: dict, python: Path | str, submission_zip: Path | None = None,
          student: Path | None = None, metadata: dict | None = None) -> dict:
    """Runs run_autograder on a submission (a zip, as Gradescope unzips it, or a student/ folder); returns results."""
    target = root / "submission"
    shutil.rmtree(target, ignore_errors=True)
    if submission_zip:
        unzip(submission_zip, target)
    else:
        shutil.copytree(student, target / "student")
    shutil.rmtree(root / "results", ignore_errors=True)
    (root / "submission_metadata.json").unlink(missing_ok=True)
    if metadata:
        (root / "submission_metadata.json").write_text(json.dumps(metadata))
    result = run([str(root / "run_autograder")], cwd=root,
                 env={**env, "AUTOGRADER_ROOT": str(root), "PYTHON": str(python)}, timeout=900)
    assert result.returncode == 0, result.stdout
    data = json.loads((root / "results" / "results.json").read_text())
    assert validate(data) == []
    return data


def total(data: dict) -> float:
    return sum(t["max_score"] for t in data["tests"])


@pytest.mark.parametrize("task", COURSE, ids=[a.name for a in COURSE])
def test_each_assignment_grades_its_solved_handout_full_and_its_skeleton_zero(task, course_zips, autograders,
                                                                            workspace, offline, python):
    """The assignment's handout with the solutions of its exercises copied in, zipped by its `make submission`, gets
    every point of its autograder, tests and runs, even with a given file broken (the grader uses the reference);
    its skeleton gets 0."""
    handout = unzip(course_zips[task.name]["handout"], workspace / f"solved-{task.name}") / "handout"
    skeleton = workspace / f"skeleton-{task.name}" / "student"
    shutil.copytree(handout / "student", skeleton)
    for rel in task.exercises:
        shutil.copy2(REPO / "solutions" / rel, handout / "student" / rel)
    for rel in task.given[:1]:
        (handout / "student" / rel).write_text("raise ImportError('a given file changed by the student')\n")
    made = run(["make", "submission"], cwd=handout, env=offline)
    assert made.returncode == 0, made.stdout
    data = grade(autograders[task.name], offline, python, handout / "dist" / "submission.zip",
                 metadata={"previous_submissions": [{}, {}], "id": 7})
    assert [(t["name"], t["output"][:500]) for t in data["tests"] if t["status"] != "passed"] == []
    assert total(data) > 0 and data["score"] == pytest.approx(total(data))
    assert "Submission 3 of this assignment." in data["output"]
    runs = {t["extra_data"]["id"].removeprefix("training/") for t in data["tests"] if "training" in t["tags"]}
    assert runs == set(task.training)
    graded = {t["extra_data"]["id"].split("::")[0] for t in data["tests"] if "training" not in t["tags"]}
    assert graded == {f.removeprefix("tests/") for f in task.tests("tests/public") + task.tests("tests/hidden")}
    assert data["execution_time"] < load_rubric(DEFAULT_RUBRIC).limits.budget_s
    data = grade(autograders[task.name], offline, python, student=skeleton)
    assert total(data) > 0 and data["score"] == 0


def test_autograder_isolated_by_user_gives_partial_score_for_one_broken_file_and_stops_a_spy(
        autograder, offline, python, workspace):
    """Where namespaces are refused (forced here), the autograder runs student code as another user, as root.

    That user reads nothing of the autograder but the grader's code; the network stays open in this mode.
    """
    student = workspace / "broken" / "student"
    shutil.copytree(REPO / "student", student, ignore=shutil.ignore_patterns("__pycache__"))
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        attack = spy(autograder / "results" / "results.json", listener.getsockname()[1], workspace / "nothing",
                     repo=autograder / "source")
        (student / SOLVED).write_text((REPO / "solutions" / SOLVED).read_text() + "\n\n" + attack)
        lines = (student / BROKEN).read_text().splitlines() + ["def broken(:"]
        (student / BROKEN).write_text("\n".join(lines) + "\n")
        data = grade(autograder, {**offline, "GRADER_ISOLATION": "user"}, python, student=student)
    assert data["extra_data"]["isolation"].startswith("user")
    assert 0 < data["score"] < total(data)
    messages = data["output"] + "".join(t["output"] for t in data["tests"])
    assert re.search(rf"{BROKEN}(:|, line ){len(lines)}\b", messages), messages[:3000]
    attempts = refusals(data)
    assert len(attempts) == SPY_ATTEMPTS, attempts
    assert all(": refused (" in line for line in attempts if not line.startswith("ATTEMPT localhost")), attempts
    assert processes_named(DAEMON_NAME) == []
    assert '"score": 1000' not in (autograder / "results" / "results.json").read_text()
    assert (autograder / "source" / "tests").stat().st_mode & 0o005 == 0o005, "what was closed is opened again"


def test_two_grades_at_once_isolated_by_user_share_nothing(autograder, offline, python, workspace):
    """Two grades at once in the user mode, of two submissions of one class folder: a hostile one that for seconds
    tries to read the hidden tests and the other submission, to kill every process it can signal and to use up its
    processes, and a short honest one that ends meanwhile. Both keep every point; the hidden tests and the other
    submission stay closed to student code all along (the honest grade's end reopens nothing while the other
    runs); each runs as its own user; /tmp as the results' folder is never closed."""
    source, class_folder = autograder / "source", workspace / "class"
    env = {**offline, "GRADER_ISOLATION": "user"}
    started = {}
    for name, test, attack in (("hostile", "tests/public/test_pool.py",
                                neighbour(source / "tests" / "hidden" / "test_pool.py", 8.0, "maxpool2d_forward",
                                          class_folder / "honest" / "student" / "layers" / "conv.py")),
                               ("honest", "tests/public/test_conv.py", None)):
        folder = class_folder / name
        shutil.copytree(REPO / "solutions", folder / "student", ignore=shutil.ignore_patterns("__pycache__"))
        if attack:
            (folder / "student" / "layers" / "pool.py").write_text(
                (REPO / "solutions" / "layers" / "pool.py").read_text() + "\n\n" + attack)
        (folder / "rubric.yaml").write_text(f"suites:\n  public: {{path: {test}, details: true}}\n")
        results = Path(tempfile.mkdtemp(prefix=f"beside-{name}-", dir="/tmp")) / "results.json" \
            if name == "honest" else folder / "results" / "results.json"
        started[name] = (subprocess.Popen([str(python), "-m", "grader", "grade", str(folder), "--results",
                                           str(results), "--rubric", str(folder / "rubric.yaml")], cwd=source,
                                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True),
                         results)
        time.sleep(2.0)
    found = {}
    for name, (proc, results) in started.items():
        out, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0, out[-3000:]
        found[name] = json.loads(results.read_text())
        assert found[name]["extra_data"]["isolation"].startswith("user"), out[-2000:]
        assert "still visible: other processes' command lines" in found[name]["extra_data"]["isolation"]
        assert found[name]["score"] == total(found[name]) > 0, (name, found[name]["output"][:2000])
    said = "\n".join(t["output"] for t in found["hostile"]["tests"])
    assert "NEIGHBOUR read=0 other=0 forked=" in said, said[:2000]
    users = {data["extra_data"]["isolation"].split("workers run as ")[1].split(",")[0] for data in found.values()}
    assert len(users) == 2, users
    assert Path("/tmp").stat().st_mode & 0o1777 == 0o1777, "the results' folder /tmp was closed to other users"
    shutil.rmtree(started["honest"][1].parent, ignore_errors=True)
    assert (source / "tests").stat().st_mode & 0o005 == 0o005, "what was closed is opened again after both"


def test_run_autograder_writes_valid_results_when_python_cannot_start(zips, tmp_path):
    root = tmp_path / "autograder"
    unzip(zips["autograder"], root / "source")
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    data = grade(root, dict(os.environ), "/nonexistent/python3", student=REPO / "student")
    assert data["score"] == 0
    assert "failed before it could grade" in data["output"]


NOBODY = 65534


def test_a_grader_that_is_not_root_isolates_with_namespaces_or_refuses(autograder, offline, python, workspace):
    """Run by an ordinary user whose Python is reachable: namespaces (a user namespace); without bubblewrap: refusal."""
    own = workspace / "nobody"
    shutil.copytree(REPO / "solutions", own / "sub" / "student", ignore=shutil.ignore_patterns("__pycache__"))
    (own / "rubric.yaml").write_text("suites:\n  public: {path: tests/public/test_pool.py, details: true}\n")
    for path in [own, *own.rglob("*")]:
        os.chown(path, NOBODY, NOBODY)

    def grade_as_nobody(name: str, path: str) -> tuple[subprocess.CompletedProcess, dict]:
        results = own / name / "results.json"
        env = {**offline, "PATH": path, "HOME": str(own)}
        done = run([shutil.which("setpriv"), f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", str(python), "-m",
                    "grader", "grade", str(own / "sub"), "--results", str(results), "--rubric",
                    str(own / "rubric.yaml")], cwd=autograder / "source", env=env)
        assert results.is_file(), done.stdout[-3000:]
        data = json.loads(results.read_text())
        assert validate(data) == []
        return done, data

    done, data = grade_as_nobody("isolated", os.environ["PATH"])
    assert done.returncode == 0, done.stdout[-3000:]
    assert data["extra_data"]["isolation"].startswith("namespaces") and data["score"] == total(data) > 0
    done, data = grade_as_nobody("refused", "/nonexistent")
    assert done.returncode == 2, done.stdout[-3000:]
    assert "cannot isolate student code" in done.stdout and "apt-get install bubblewrap" in done.stdout
    assert "--no-isolation" in done.stdout and data["score"] == 0
