"""What students and TAs read: the Gradescope page (results.json), the handout's failures, the commands' messages."""
import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from grader.authoring.single_source import MarkerError, parse_blocks
from grader.grading.results import Results, validate
from grader.grading.summary import RESULT_CHARS, cut, summary_markdown, summary_table
from grader.submission.package import SubmissionRefused, build_submission
from grader.testkit import checks
from grader.testkit.hints import error_hint
from tests.grader.helpers import REPO, grade, submission

PUBLIC_FILES = ["tests/public/test_losses.py", "tests/public/test_linear.py"]
HIDDEN_FILES = ["tests/hidden/test_linear.py"]
WRONG_SOFTMAX = "def softmax(z):\n    return np.exp(z) / np.exp(z).sum()\n"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """A submission whose softmax is wrong, graded on two public files (two suites) and one hidden file."""
    tmp = tmp_path_factory.mktemp("page")
    rubric_path = tmp / "rubric.yaml"
    rubric_path.write_text(textwrap.dedent(f"""\
        suites:
          public: {{path: {PUBLIC_FILES[0]}, details: true}}
          public2: {{path: {PUBLIC_FILES[1]}, details: true}}
          hidden: {{path: {HIDDEN_FILES[0]}, details: false, visibility: after_published}}
        sandbox: {{call_timeout_s: 20, budget_s: 300}}
        """))
    source = submission(tmp, append={"layers/losses.py": WRONG_SOFTMAX})
    return grade(tmp, source, rubric_path)


def test_the_page_starts_with_the_total_and_a_markdown_table_per_module(page):
    data = page["data"]
    assert data["output_format"] == "md" and data["test_output_format"] == "text"
    assert data["output"].startswith(f"**Total: {data['score']:g}/")
    assert re.search(r"^\| module \| public \| public2 \| hidden \| total \|$", data["output"], re.M), data["output"]
    assert re.search(r"^\| losses \| \d+/\d+ \| - \| - \| \*\*\d+/\d+\*\* \|$", data["output"], re.M)
    assert re.search(r"^\| linear \| - \| (\d+)/\1 \| (\d+)/\2 \| \*\*(\d+)/\3\*\* \|$", data["output"], re.M)


def test_every_test_has_a_readable_name_a_number_by_module_and_module_tags(page):
    tests = page["data"]["tests"]
    assert tests and all("::" not in t["name"] and "[" not in t["name"] for t in tests), [t["name"] for t in tests]
    assert all(re.fullmatch(r"\d+\.\d+", t["number"]) for t in tests)
    for module in ("losses", "linear"):
        mine = [t for t in tests if module in t["tags"]]
        assert mine and all(t["name"].startswith(module) for t in mine)
        assert len({t["number"].split(".")[0] for t in mine}) == 1, "one module, one group"
        assert len({t["number"] for t in mine}) == len(mine), "numbers are distinct within a module"
    by_id = page["tests"]
    hidden = [t for i, t in by_id.items() if i.startswith("hidden/")]
    assert hidden and all(t["name"].startswith("linear (hidden): ") for t in hidden)
    assert all(t["visibility"] == "after_published" for t in hidden)
    inputs = by_id["public/test_losses.py::test_loss_does_not_modify_its_inputs[softmax]"]["name"]
    assert inputs == "losses: numpy loss does not modify its inputs (softmax)"


COLLECT = """
import inspect, json, sys
import pytest
from grader.contract import module_names, module_of_test
from grader.grading.names import describe, readable_name
from grader.grading.rubric import load_rubric
from grader.submission.files import required_modules

items = []


class Collect:
    def pytest_collection_finish(self, session):
        items.extend(session.items)


code = pytest.main(["tests/public", "tests/hidden", "--collect-only", "-q", "-p", "no:cacheprovider"],
                   plugins=[Collect()])
rubric, modules = load_rubric(), module_names(required_modules())
names = []
for item in items:
    suite, module = rubric.suite_of(item.path), module_of_test(item.path.name, modules)
    names.append({"id": item.nodeid, "module": module, "property": describe(item),
                  "name": readable_name(item, module, suite.name if suite else None),
                  "doc": inspect.getdoc(item.function) or ""})
print("NAMES " + json.dumps(names))
sys.exit(code)
"""


@pytest.fixture(scope="module")
def collected() -> list[dict]:
    """Every test of the public and hidden suites, collected (not run) as the grader collects them: its id, module,
    docstring, and its name on the page."""
    proc = subprocess.run([sys.executable, "-c", COLLECT], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    names = json.loads(next(line for line in proc.stdout.splitlines() if line.startswith("NAMES "))[6:])
    assert len(names) > 500
    return names


PROPERTY_CHARS = 120


def test_every_public_and_hidden_test_has_a_name_of_its_own_whole_and_short(collected):
    """No two tests get one name on the page, as the page of any assignment holds some of them; a docstring gives its
    first sentence whole (never a line cut mid-sentence), of at most PROPERTY_CHARS characters."""
    by_name: dict[str, list[str]] = {}
    for test in collected:
        by_name.setdefault(test["name"], []).append(test["id"])
    assert {name: ids for name, ids in by_name.items() if len(ids) > 1} == {}
    cut, long = [], []
    for test in collected:
        prop = test["property"]
        assert prop and f": {prop}" in test["name"], test
        if test["doc"]:
            paragraph = " ".join(test["doc"].split("\n\n")[0].split())
            rest = paragraph[len(prop):] if paragraph.startswith(prop) else None
            if rest is None or not (rest in ("", ".") or re.match(r"\. [A-Z]", rest)):
                cut.append((test["id"], prop))
        if len(prop) > PROPERTY_CHARS:
            long.append((test["id"], prop))
    assert cut == [] and long == []


NUMPY_AND_TORCH = {"activations", "losses", "normalization", "dropout", "train"}
"""The modules that hold a numpy and a torch version of the same thing (docs/SPEC.md): ``relu_forward`` and
``ReLU``, ``cross_entropy`` and ``cross_entropy_loss``, ``batchnorm_forward`` and ``BatchNorm``, ``dropout_forward``
and ``Dropout``, ``train_numpy`` and ``train_torch``."""


def test_every_test_of_a_module_with_numpy_and_torch_code_says_which_it_tests(collected):
    """In those modules a name's property starts with numpy or torch (``losses: numpy softmax matches torch``,
    ``activations: torch LeakyReLU module uses its slope``, ``train: numpy and torch training loops ...``)."""
    for module in NUMPY_AND_TORCH:
        source = next((REPO / "solutions").rglob(f"{module}.py")).read_text()
        assert "import numpy" in source and "import torch" in source, module
    tests = [t for t in collected if t["module"] in NUMPY_AND_TORCH]
    assert {t["module"] for t in tests} == NUMPY_AND_TORCH
    assert sorted({t["name"] for t in tests if not re.match(r"(numpy|torch)\b", t["property"])}) == []


def test_one_wrong_function_fails_only_its_tests_with_the_property_in_words(page):
    failed = {i: t for i, t in page["tests"].items() if t["status"] == "failed"}
    assert failed and all("softmax" in i or "cross_entropy" in i or "log_softmax" in i or "losses" in i
                          for i in failed), list(failed)
    assert all(t["score"] == t["max_score"] for i, t in page["tests"].items() if "linear" in i)


def test_the_schema_takes_every_documented_field_and_refuses_unknown_ones():
    results = Results()
    results.add_test("m: a property", 1, 1, True, "fine", number="1.1", tags=["m"], id="public/test_m.py::test_a")
    data = results.to_dict()
    documented = {**data, "output_format": "html", "test_output_format": "ansi", "test_name_format": "md",
                  "extra_data": {"any": 1},
                  "tests": [{**data["tests"][0], "name_format": "text", "output_format": "simple_format",
                             "extra_data": {"id": "x"}, "visibility": "after_published"}]}
    assert validate(documented) == []
    assert validate({**data, "colour": "red"})
    assert validate({**data, "tests": [{**data["tests"][0], "colour": "red"}]})
    assert validate({**data, "output_format": "pdf"})


def test_a_long_run_outcome_is_cut_at_a_word_in_the_tables_and_kept_whole_in_its_entry():
    results = Results()
    reason = ("Training failed: __init__ in models/mlp.py raised ValueError: the number of hidden layers "
              "must be positive, got 0")
    entry = results.add_run("mlp", 0, 3, False, output=reason, result=reason)
    shown = cut(reason)
    assert len(shown) <= RESULT_CHARS and shown.endswith("...") and reason.startswith(shown[:-3])
    assert shown[:-3] == shown[:-3].rstrip() and reason[len(shown) - 3] in " ,;:"
    assert shown in summary_table(results) and shown in summary_markdown(results)
    assert results.to_dict()["tests"][0]["output"] == reason == entry.output


def test_grade_quiet_prints_only_the_table_and_the_total(tmp_path):
    source = submission(tmp_path, append={"layers/losses.py": WRONG_SOFTMAX})
    rubric_path = tmp_path / "rubric.yaml"
    rubric_path.write_text("suites:\n  public: {path: tests/public/test_linear.py, details: true}\n")
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(source), "--quiet", "--results",
                           str(tmp_path / "results.json"), "--rubric", str(rubric_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert lines[0].split() == ["module", "public", "total"], proc.stdout
    assert any(re.fullmatch(r"total\s+\d+/\d+", line) for line in lines)
    assert len(lines) <= 8 and "FAILED" not in proc.stdout and "%]" not in proc.stdout


# ---- the handout's failures (pytest as students run it, on a copy of the solutions with one bug) ----

HANDOUT_OPTIONS = ["-p", "no:cacheprovider", "--tb=short", "-rN", "--one-line-failures", "--points", "-q"]


def run_public(impl: Path, *files: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    return subprocess.run([sys.executable, "-m", "pytest", *files, "--impl", str(impl), *HANDOUT_OPTIONS],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


def solutions_with(tmp_path: Path, rel: str, old: str, new: str) -> Path:
    root = submission(tmp_path) / "student"
    path = root / rel
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))
    return root


def test_a_file_that_does_not_import_is_reported_once_with_its_line(tmp_path):
    impl = solutions_with(tmp_path, "layers/losses.py", "import numpy as np\n",
                          "import numpy as np\nfrom nowhere import thing\n")
    line = (impl / "layers/losses.py").read_text().splitlines().index("from nowhere import thing") + 1
    proc = run_public(impl, "tests/public/test_losses.py", "tests/public/test_softmax_regression.py")
    out = proc.stdout
    assert proc.returncode == 1
    assert out.count("No module named 'nowhere'") <= 2, out[-4000:]
    assert f"student/layers/losses.py:{line}: ModuleNotFoundError" in out
    failed = int(re.search(r"(\d+) failed", out.strip().splitlines()[-1]).group(1))
    tail = out[out.index("failed, one line each"):out.index("points per module")].splitlines()[1:-1]
    assert len(tail) == failed and all(re.match(r"(FAILED|ERROR) tests/public/\S+ - \S", t) for t in tail), tail


def points_table(out: str) -> dict[str, str]:
    """Returns the rows of the points table that ends a local run: ``{module or "total": "earned/points"}``."""
    lines = out[out.index("= points per module ="):].splitlines()[2:]
    rows = [line.split() for line in lines if re.fullmatch(r"\w+\s+(\S+\s+)*\d+(\.\d+)?/\d+(\.\d+)?", line.strip())]
    return {row[0]: row[-1] for row in rows}


def test_a_local_run_ends_with_the_points_per_module_of_the_gradescope_page(page, tmp_path):
    """The submission of ``page`` (a wrong softmax), run locally on the same public files as students run them: the
    table that ends the run gives each module the points the page gives its public tests."""
    impl = submission(tmp_path, append={"layers/losses.py": WRONG_SOFTMAX}) / "student"
    proc = run_public(impl, *PUBLIC_FILES)
    assert proc.returncode == 1
    table = points_table(proc.stdout)
    page_cells = {m.group(1): m.group(2) for m in re.finditer(r"^\| (\w+) \| (?:- \| )*(\d+/\d+) \|",
                                                              page["data"]["output"], re.M)}
    assert table["losses"] == page_cells["losses"] and table["linear"] == page_cells["linear"], (table, page_cells)
    earned, total = (sum(float(v.split("/")[i]) for k, v in table.items() if k != "total") for i in (0, 1))
    assert table["total"] == f"{earned:g}/{total:g}" and 0 < earned < total
    assert proc.stdout.index("failed, one line each") < proc.stdout.index("points per module")
    assert "when you are graded, the hidden tests and the training runs count too" in proc.stdout


def test_a_failure_shows_the_test_and_the_student_code_but_no_grader_frame(tmp_path):
    impl = solutions_with(tmp_path, "layers/losses.py", "    dz[rows, y] -= 1.0\n", "    dz[rows, y] -= 2.0\n")
    out = run_public(impl, "tests/public/test_losses.py").stdout
    assert "CheckFailed: dz of cross_entropy" in out
    assert "grader/testkit" not in out and "harness.py" not in out and "checks.py" not in out, out[:4000]
    assert "pytest --tb=long" in out


def test_a_numeric_warning_still_shows_the_tests_hint(tmp_path):
    impl = solutions_with(tmp_path, "layers/losses.py", "e = np.exp(z - np.max(z, axis=-1, keepdims=True))",
                          "e = np.exp(z)")
    out = run_public(impl, "tests/public/test_losses.py").stdout
    section = out[out.index("test_softmax_is_stable_for_large_logits"):]
    section = section[:section.index("\n___") if "\n___" in section else None]
    assert "RuntimeWarning: overflow encountered in exp" in section
    assert "hint: subtract the row maximum" in section, section


def torch_error(action) -> tuple[str, str]:
    try:
        action()
    except Exception as exc:  # the message torch gives today, whatever its wording
        return type(exc).__name__, str(exc)
    raise AssertionError("the action did not fail")


def _leaf_in_place():
    w = torch.ones(2, requires_grad=True)
    w -= 1.0


def _backward_twice():
    w = torch.ones(2, requires_grad=True)
    loss = (w * w).sum()
    loss.backward()
    loss.backward()


def _changed_in_place():
    w = torch.ones(2, requires_grad=True)
    y = w.sigmoid()
    y.mul_(2)
    y.sum().backward()


@pytest.mark.parametrize("action, says", [
    (_leaf_in_place, "torch.no_grad()"),
    (_backward_twice, "once per forward pass"),
    (_changed_in_place, "clone()"),
    (lambda: torch.ones(2, 3) @ torch.ones(3, 2, dtype=torch.float64), "dtype"),
    (lambda: torch.nn.Linear(3, 2)(torch.ones(4, 5)), "in_features"),
    (lambda: torch.ones(2, requires_grad=True).numpy(), "detach()"),
    (lambda: torch.ones(2).sum().backward(), "not connected"),
    (lambda: np.ones((2, 3)) + np.ones((2, 2)), "keepdims=True"),
    (lambda: np.ones((2, 3)) @ np.ones((2, 3)), "transposed"),
    (lambda: np.ones(3)[np.array([0.0, 1.0])], "astype(int)"),
    (lambda: np.ones(6).reshape(4, 2), "reshape"),
], ids=["leaf-in-place", "backward-twice", "changed-in-place", "dtypes", "linear-width", "numpy-of-grad",
        "no-graph", "broadcast", "matmul", "float-index", "reshape"])
def test_common_torch_and_numpy_errors_get_a_hint(action, says):
    hint = error_hint(*torch_error(action))
    assert hint is not None and says in hint, hint


def test_the_in_place_message_suggests_clone_for_a_tensor_and_copy_for_an_array():
    with pytest.raises(checks.CheckFailed, match=r"clone\(\)"):
        checks.unchanged(np.zeros(2), np.ones(2), "p.grad", tensor=True)
    with pytest.raises(checks.CheckFailed, match=r"x\.copy\(\)") as caught:
        checks.unchanged(np.zeros(2), np.ones(2), "x")
    assert "clone" not in str(caught.value)


# ---- instructor commands ----

def test_a_refused_submission_removes_the_zip_of_an_earlier_build(tmp_path):
    student = submission(tmp_path) / "student"
    out = tmp_path / "dist" / "submission.zip"
    build_submission(student, out)
    assert zipfile.is_zipfile(out)
    (student / "layers" / "losses.py").write_text("def softmax(z):\n    return z +\n")
    with pytest.raises(SubmissionRefused, match="was not written"):
        build_submission(student, out)
    assert not out.exists()


@pytest.mark.parametrize("typo", ["# END SOLUTON", "# END_SOLUTION", "#END SOLUTION", "# end solution",
                                  "# ENDSOLUTION", "# END SOLUTION."])
def test_a_mistyped_end_marker_is_reported_at_its_own_line(typo):
    text = "def f(x):\n    # BEGIN SOLUTION\n    y = x + 1\n    " + typo + "\n    return y\n\n\ndef g(x):\n" \
           "    # BEGIN SOLUTION\n    return x\n    # END SOLUTION\n"
    with pytest.raises(MarkerError, match=r"^solutions/m\.py:4: malformed marker"):
        parse_blocks(text, "solutions/m.py")


def test_a_marker_error_stops_the_build_with_one_line_and_no_traceback(monkeypatch, capsys):
    from grader.authoring import builds

    def broken(*args, **kwargs):
        raise MarkerError("solutions/layers/losses.py:28: malformed marker '# END SOLUTON'")
    monkeypatch.setattr(builds, "build_student", broken)

    class Args:
        what, out = "student", None
    assert builds.main(Args()) == 1
    assert capsys.readouterr().out == "build student: solutions/layers/losses.py:28: malformed marker '# END SOLUTON'\n"
