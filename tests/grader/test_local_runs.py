"""What works where a student runs their code fails there as it fails when graded: locally, in make submission,
and on the results page, which names every file that does not import."""
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grader.contract import IMPORT_DIRECTLY
from grader.grading.imports import import_failures
from grader.submission.package import SubmissionRefused, build_submission
from tests.grader.helpers import ACT, REPO, grade, of, rubric, submission, zero

AUTO_IMPORT = "from student.layers.activations import relu_forward"
LOCAL_ONLY_IMPORTS = {  # module of a small implementation -> an import that works only in the repository
    "a": AUTO_IMPORT,
    "b": "import tests.public",
    "c": "from solutions import layers",
    "d": "from grader import grading",
    "ok": "import numpy",
}
LOCAL_RUN = textwrap.dedent("""\
    import json, sys
    import tests.public  # the test run imports the tests before any implementation code
    from grader.testkit.harness import LocalRunner
    runner, said = LocalRunner(sys.argv[1]), {}
    for module in sys.argv[2:]:
        try:
            said[module] = runner.run("grader.testkit.probes.generic:call", [f"layers.{module}:f"], {})
        except ImportError as exc:
            said[module] = f"{type(exc).__name__}: {exc}"
    print(json.dumps(said))
    """)


def test_an_import_that_fails_when_graded_fails_in_a_local_run_with_the_fix(tmp_path):
    root = tmp_path / "student"
    (root / "layers").mkdir(parents=True)
    (root / "layers" / "__init__.py").write_text("")
    for module, line in LOCAL_ONLY_IMPORTS.items():
        (root / "layers" / f"{module}.py").write_text(f"{line}\n\n\ndef f():\n    return 1\n")
    proc = subprocess.run([sys.executable, "-c", LOCAL_RUN, str(root), *LOCAL_ONLY_IMPORTS], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    said = json.loads(proc.stdout.splitlines()[-1])
    assert said.pop("ok") == 1
    assert said["a"].startswith("StudentImportError: student/layers/a.py:1: ModuleNotFoundError: there is no module "
                                "student.layers.activations where your code is graded"), said["a"]
    assert IMPORT_DIRECTLY in said["a"] and IMPORT_DIRECTLY in said["c"]
    for module, name in [("b", "tests.public"), ("c", "solutions"), ("d", "grader.grading")]:
        assert f"student/layers/{module}.py:1: ModuleNotFoundError: there is no module {name} " in said[module]


def test_make_submission_refuses_what_works_only_locally_with_file_line_and_fix(tmp_path):
    student = submission(tmp_path) / "student"
    lines = {}
    for rel, code in [("layers/losses.py", f"{AUTO_IMPORT} as _relu\n"),
                      ("utils/train.py", "def _config():\n    return open('configs/mlp.yaml').read()\n"),
                      ("utils/plot.py", "def _save(figure, name):\n    figure.savefig(f'runs/{name}.png')\n"),
                      ("models/mlp.py", "def _helpers():\n    import tests.public.helpers\n")]:
        path = student / rel
        text = path.read_text() + "\n\n"
        lines[rel] = len(text.splitlines()) + 1 + ("def" in code)
        path.write_text(text + code)
    with pytest.raises(SubmissionRefused) as refused:
        build_submission(student, tmp_path / "submission.zip")
    text = str(refused.value)
    assert (f"student/layers/losses.py:{lines['layers/losses.py']}: there is no module student.layers.activations "
            f"where your code is graded (it runs from a copy of student/ alone); {IMPORT_DIRECTLY}") in text
    assert (f"student/utils/train.py:{lines['utils/train.py']}: 'configs/mlp.yaml' is a path relative to the working "
            "folder, which is empty when your code is graded; take the path as an argument") in text
    assert f"student/utils/plot.py:{lines['utils/plot.py']}: 'runs/' is a path relative" in text
    assert f"student/models/mlp.py:{lines['models/mlp.py']}: there is no module tests.public.helpers" in text
    assert "4 problem(s)" in text


def test_a_file_that_does_not_import_is_named_on_the_page_with_its_line(tmp_path):
    """An IDE's auto-import passes locally where the repository is around; when graded it does not import. The page
    says which file, the built-in class and the line, and no text of the exception."""
    path = REPO / "solutions" / "layers" / "activations.py"
    line = len(path.read_text().splitlines()) + 3
    source = submission(tmp_path, append={"layers/activations.py": f"{AUTO_IMPORT} as _relu\n"})
    result = grade(tmp_path, source, rubric(tmp_path, ACT))
    assert zero(of(result, ACT))
    assert all(IMPORT_DIRECTLY in t["output"] for t in of(result, ACT)), of(result, ACT)[0]["output"]
    page = result["data"]["output"]
    note = next((row for row in page.splitlines() if "does not import" in row), page)
    assert note.startswith(f"student/layers/activations.py does not import: ModuleNotFoundError at line {line} "
                           "(from student.layers.activations import relu\\_forward as \\_relu)"), note
    assert "No module named" not in note
    assert f"student/layers/activations.py:{line}: there is no module student.layers.activations" in page


class Replying:
    """A runner whose worker replies ``reply`` to every call."""

    def __init__(self, reply):
        self.reply, self.calls = reply, []

    def run(self, name, args, kwargs):
        self.calls.append((name, args))
        return self.reply


def test_an_import_note_keeps_only_a_builtin_class_and_a_line_of_the_students_own_file(tmp_path):
    (tmp_path / "layers").mkdir()
    (tmp_path / "layers" / "__init__.py").write_text("")
    (tmp_path / "layers" / "conv.py").write_text("import numpy\nx = undefined_name\n")
    (tmp_path / "layers" / "pool.py").write_text("X = 1\n")
    tests = [Path("tests/public/test_conv.py")]
    forged = [{"module": "layers.conv", "type": "NameError", "file": "layers/conv.py", "line": 2},
              {"module": "layers.conv", "type": "Error: the answer is 42", "file": "../../etc/passwd", "line": 1},
              {"module": "layers.conv", "type": "ValueError", "file": "layers/conv.py", "line": 10 ** 6},
              {"module": "layers.pool", "type": "NameError"}, "not a failure", {"module": ["layers.conv"]},
              {"module": "layers.conv", "type": ["NameError"], "file": ["layers/conv.py"], "line": 2}]
    runner = Replying(forged)
    notes = import_failures(runner, tmp_path, tests, {})
    assert runner.calls == [("grader.testkit.probes.imports:import_modules", [["layers.conv"]])]
    end = ", so every test that needs it fails."
    assert notes == [f"student/layers/conv.py does not import: NameError at line 2 (x = undefined_name){end}",
                     f"student/layers/conv.py does not import: an exception of a class your code defines{end}",
                     f"student/layers/conv.py does not import: ValueError{end}",
                     f"student/layers/conv.py does not import: an exception of a class your code defines{end}"]
    assert import_failures(Replying("anything"), tmp_path, tests, {}) == []
    assert import_failures(runner, tmp_path, tests, {"test_conv*.py": "missing"}) == []
