"""The handout, the autograder zip and submission zips: built for real, searched for leaks, run end to end.

The end-to-end tests share one virtual environment, installed offline from a
local wheel folder (``build/wheels``, filled once with ``pip wheel``) by the
handout's own ``make setup``; the autograder's ``setup.sh`` then runs against
the same interpreter. The autograder runs in a temporary root laid out like
Gradescope's ``/autograder``.
"""
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
from grader.course import load_course
from grader.grading.results import validate
from grader.grading.rubric import DEFAULT_RUBRIC, load_rubric
from tests.grader.attacks import DAEMON_NAME, SPY_ATTEMPTS, neighbour, processes_named, refusals, spy
from tests.grader.distribution_helpers import code_units, file_digest, pytest_summary, run, shared_python, unzip

REPO = Path(__file__).resolve().parents[2]
WHEELS = REPO / "build" / "wheels"
SOLVED, BROKEN = "layers/conv.py", "layers/pool.py"  # exercises of the last (smallest) assignment


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


@pytest.fixture(scope="module")
def wheels() -> Path:
    """The local wheel folder that every offline setup installs from, filled once per requirements.txt."""
    stamp = WHEELS / f".complete-{file_digest(REPO / 'requirements.txt')}"
    if not stamp.exists():
        result = run([sys.executable, "-m", "pip", "wheel", "--quiet", "-r", "requirements.txt", "-w", str(WHEELS)],
                     cwd=REPO, timeout=900)
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
    submission = run(["make", "submission"], cwd=handout, env=offline)
    assert submission.returncode == 0, submission.stdout
    assert "NotImplementedError" not in submission.stdout
    return handout / "dist" / "submission.zip"


def test_handout_public_tests_pass_with_the_solutions_and_make_submission_zips_them(solved_submission):
    names = names_in(solved_submission)
    assert "student/layers/activations.py" in names
    assert all(n.startswith("student/") and n.endswith(".py") for n in names if n != EXPERIMENT)
    assert (EXPERIMENT in names) == (REPO / EXPERIMENT).is_file()


COURSE = load_course(runs=[r.name for r in load_rubric(DEFAULT_RUBRIC).training]).assignments
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
