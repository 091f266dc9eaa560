"""The pytest plugin's results.json: every outcome is an entry with its full max_score, hidden tests stay quiet."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from grader.grading.messages import failure_message
from grader.grading.recorder import declared_points
from grader.grading.results import Results, validate
from grader.grading.summary import summary_table
from grader.sandbox import CallTimeout, remote_error
from grader.testkit import checks

REPO = Path(__file__).resolve().parents[2]

OUTCOMES = '''\
import pytest
from gradescope_utils.autograder_utils.decorators import (hide_errors, leaderboard, number, partial_credit, tags,
                                                          visibility, weight)
from hypothesis import given, strategies as st

EXPECTED = {"a": 1, "b": 2, "c": 3}


@pytest.fixture
def broken_setup():
    raise RuntimeError("fixture broke")


@pytest.fixture
def broken_teardown():
    yield
    raise RuntimeError("teardown broke")


@weight(2)
@number("1.1")
@tags("basics", "numpy")
def test_passes():
    pass


@weight(3)
def test_fails_with_a_message():
    assert 1 == 2, "softmax(z) is wrong: relative error 1e-2"


@weight(1)
def test_fails_with_a_bare_assert():
    expected_secret = 12345
    assert expected_secret == 54321


@weight(1)
def test_errors_in_setup(broken_setup):
    pass


@weight(1)
def test_errors_in_teardown(broken_teardown):
    pass


@weight(1)
def test_is_skipped():
    pytest.skip("needs a GPU")


@weight(1)
@pytest.mark.xfail(reason="known bug")
def test_xfails():
    assert False


@weight(2)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_parametrized(name):
    assert name != "c", f"{name} failed"


@weight(4)
@partial_credit(4)
def test_partial(set_score=None):
    set_score(1.5)
    assert False, "only part of it works"


@weight(1)
@visibility("after_due_date")
@hide_errors("The instructor hides why.")
def test_hidden_errors():
    raise ValueError("secret detail")


@leaderboard("speed", "asc")
def test_leaderboard(set_leaderboard_value=None):
    set_leaderboard_value(3.5)


@weight(2)
@given(x=st.integers(min_value=0, max_value=10))
def test_hypothesis_fails(x):
    assert x < 0, "x must be negative"
'''


def run_suite(tmp_path: Path, files: dict[str, str], details: bool = True) -> dict:
    suite = tmp_path / "suite"
    suite.mkdir()
    for name, text in files.items():
        (suite / name).write_text(text)
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(textwrap.dedent(f"""\
        suites:
          main: {{path: {suite}, visibility: visible, details: {str(details).lower()}}}
        """))
    results = tmp_path / "out" / "results.json"
    env = {**os.environ, "PYTHONPATH": str(REPO), "CI": "1"}
    proc = subprocess.run([sys.executable, "-m", "pytest", str(suite), "-p", "grader.testkit.plugin", "-p", "grader.grading.plugin", "--rootdir",
                           str(tmp_path), "-p", "no:cacheprovider", "--results", str(results), "--rubric", str(rubric),
                           "-q", "--hypothesis-profile", "grading"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert results.exists(), proc.stdout + proc.stderr
    data = json.loads(results.read_text())
    assert validate(data) == []
    return {"data": data, "tests": {t["extra_data"]["id"].split("::", 1)[1]: t for t in data["tests"]}, "stdout": proc.stdout}


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    return run_suite(tmp_path_factory.mktemp("public"), {"test_outcomes.py": OUTCOMES}, details=True)


@pytest.fixture(scope="module")
def hidden(tmp_path_factory):
    return run_suite(tmp_path_factory.mktemp("hidden"), {"test_outcomes.py": OUTCOMES}, details=False)


def test_every_outcome_keeps_its_max_score(public):
    t = public["tests"]
    assert (t["test_passes"]["score"], t["test_passes"]["max_score"], t["test_passes"]["status"]) == (2, 2, "passed")
    for name, points in [("test_fails_with_a_message", 3), ("test_errors_in_setup", 1), ("test_errors_in_teardown", 1),
                         ("test_is_skipped", 1), ("test_xfails", 1), ("test_parametrized[c]", 2),
                         ("test_hypothesis_fails", 2)]:
        assert (t[name]["score"], t[name]["max_score"], t[name]["status"]) == (0.0, points, "failed"), name
    assert t["test_parametrized[a]"]["score"] == 2.0
    assert public["data"]["score"] == sum(e["score"] for e in public["data"]["tests"]) == 2 + 2 * 2 + 1.5
    assert sum(e["max_score"] for e in public["data"]["tests"]) == 23


def test_decorators_are_read(public):
    t = public["tests"]
    assert t["test_passes"]["number"] == "1.1" and t["test_passes"]["tags"][-2:] == ["basics", "numpy"]
    assert (t["test_partial"]["score"], t["test_partial"]["max_score"], t["test_partial"]["status"]) == (1.5, 4, "failed")
    assert t["test_hidden_errors"]["visibility"] == "after_due_date"
    assert t["test_hidden_errors"]["output"] == "The instructor hides why."
    assert "test_leaderboard" not in t
    assert public["data"]["leaderboard"] == [{"name": "speed", "value": 3.5, "order": "asc"}]


def test_public_failures_say_what_went_wrong(public):
    t = public["tests"]
    assert "softmax(z) is wrong" in t["test_fails_with_a_message"]["output"]
    assert "fixture broke" in t["test_errors_in_setup"]["output"] and "setup" in t["test_errors_in_setup"]["output"]
    assert "teardown broke" in t["test_errors_in_teardown"]["output"]
    assert "needs a GPU" in t["test_is_skipped"]["output"]
    assert "test_hypothesis_fails(" in t["test_hypothesis_fails"]["output"] and "x=0" in t["test_hypothesis_fails"]["output"]


def test_hidden_failures_show_no_inputs_or_expected_values(hidden):
    t = hidden["tests"]
    assert t["test_fails_with_a_message"]["output"] == "softmax(z) is wrong: relative error 1e-2"
    bare = t["test_fails_with_a_bare_assert"]["output"]
    assert "12345" not in bare and "54321" not in bare and "expected_secret" not in bare
    hyp = t["test_hypothesis_fails"]["output"]
    assert hyp == "x must be negative"


def test_the_summary_table_is_printed(public):
    assert "results written to" in public["stdout"] and "total" in public["stdout"]


def test_a_file_that_cannot_be_collected_keeps_its_points(tmp_path):
    broken = "import nothing_here\n" + OUTCOMES
    out = run_suite(tmp_path, {"test_broken.py": broken, "test_fine.py": "from gradescope_utils.autograder_utils."
                               "decorators import weight\n\n@weight(2)\ndef test_ok():\n    pass\n"})
    entry = out["tests"]["(all tests)"]
    assert entry["score"] == 0 and entry["status"] == "failed" and "could not be loaded" in entry["output"]
    assert entry["max_score"] == declared_points(tmp_path / "suite" / "test_broken.py")[0] == 23
    assert out["tests"]["test_ok"]["score"] == 2


def test_declared_points_count_parametrized_cases(tmp_path):
    path = tmp_path / "test_x.py"
    path.write_text(OUTCOMES)
    assert declared_points(path) == (23.0, True)


def test_student_errors_are_explained_without_revealing_hidden_details():
    err = remote_error("ValueError", "shapes (3,4) and (5,) " + "x" * 1000, "  File student/layers/linear.py, line 3")
    public_text = failure_message(err, details=True)
    hidden_text = failure_message(err, details=False)
    assert public_text.startswith("Your code raised ValueError: shapes") and "linear.py, line 3" in public_text
    assert hidden_text == "Your code raised ValueError at student/layers/linear.py:3"
    assert failure_message(CallTimeout("layers.x:f timed out after 2 s"), False) == "layers.x:f timed out after 2 s"
    stub = remote_error("NotImplementedError", "f in student/layers/x.py is not implemented yet")
    assert failure_message(stub, True) == "NotImplementedError: f in student/layers/x.py is not implemented yet"
    assert failure_message(stub, False) == "Your code raised NotImplementedError"
    assert failure_message(KeyError("out"), False) == "The test could not check your result (KeyError)"


def test_hidden_messages_carry_no_text_that_student_code_controls():
    forged = ("  File student/layers/linear.py, line 3, in f\n    raise ValueError(secret)\n"
              "  File student/SECRET 1.5 2.5.py, line 9, in g\nSECRET 1.5 2.5")
    err = remote_error("SECRET_1_5_2_5Error", "SECRET 1.5 2.5", forged)
    assert failure_message(err, False) == ("Your code raised an exception of a class your code defines "
                                           "at student/layers/linear.py:3 (in f)")
    check = pytest.raises(AssertionError, checks.close, np.array([1.5, 2.5]), np.zeros(2), "out", reveal=False)
    assert "1.5" in str(check.value) or "relative error" in str(check.value)
    assert failure_message(check.value, False) == "out is wrong"


def test_results_stay_small_whatever_the_outputs():
    results = Results()
    for i in range(600):
        results.add_test(f"public/test_x.py::test_{i}", 0, 1, False, "y" * 100_000)
    results.note("z" * 10_000_000)
    data = results.to_dict()
    assert validate(data) == []
    assert len(json.dumps(data)) < 1_000_000


def test_scores_are_clipped_to_the_max():
    results = Results()
    results.add_test("public/test_x.py::test_a", 7, 2, True)
    results.add_test("public/test_x.py::test_b", -1, 2, False)
    assert [t["score"] for t in results.to_dict()["tests"]] == [2, 0]


def test_invalid_results_are_replaced_by_a_valid_document(tmp_path):
    results = Results(visibility="everyone")
    data = results.write(tmp_path / "results.json")
    assert validate(json.loads((tmp_path / "results.json").read_text())) == []
    assert "invalid results" in data["output"]


def test_summary_table_has_a_line_per_module_and_run_and_the_total():
    results = Results()
    results.add_test("public/test_losses.py::test_a", 1, 1, True, module="losses", suite="public")
    results.add_test("hidden/test_losses.py::test_b", 0, 2, False, module="losses", suite="hidden")
    results.add_test("public/test_activations_torch.py::test_c", 1, 1, True, module="activations", suite="public")
    results.add_run("two_layer_net", 2.5, 5, False, "test accuracy 0.9000\nfull points at 0.94", "test accuracy 0.9000")
    table = summary_table(results)
    lines = table.splitlines()
    assert any(l.startswith("losses") and "1/1" in l and "0/2" in l and "1/3" in l for l in lines)
    assert any(l.startswith("activations") and "1/1" in l for l in lines)
    assert any(l.startswith("two_layer_net") and "0.9000" in l and "2.5/5" in l for l in lines)
    assert lines[-1].startswith("total") and lines[-1].endswith("4.5/9")


@pytest.mark.parametrize("bad", [{"score": -1}, {"status": "ok"}, {"extra": 1}])
def test_the_schema_rejects_what_gradescope_would(bad):
    entry = {"name": "t", "score": 0, "max_score": 1, "status": "failed", "output": "", **bad}
    data = {"score": 0, "execution_time": 0, "output": "", "visibility": "visible", "stdout_visibility": "hidden",
            "tests": [entry], "leaderboard": []}
    assert validate(data)
