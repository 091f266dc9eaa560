"""``python -m grader grade`` on bad submissions: each one is graded fairly and results.json is always valid.

Every bad submission is built here from a copy of solutions/ (or student/) with
one change. Most grades run a slice of the suites (a rubric written by the
test) to stay fast; the last two grade the full rubric: the solutions score
exactly the maximum and the skeleton scores 0.
"""
import shutil
import zipfile

import pytest

from tests.grader.helpers import ACT, ADAM, LOSSES, REPO, full, grade, of, rubric, submission, zero

RELU_BUG = '''\
def relu_backward(dout, cache):
    (x,) = cache
    return dout * (x >= 0)
'''


def test_a_zip_a_folder_and_a_folder_one_down_score_the_same(tmp_path):
    sub = submission(tmp_path, append={"layers/activations.py": RELU_BUG})
    archive = tmp_path / "submission.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for p in sorted((sub / "student").rglob("*.py")):
            z.write(p, p.relative_to(sub).as_posix())
    down = tmp_path / "down" / "handin"
    shutil.copytree(sub, down)
    r = rubric(tmp_path, ACT)
    scores = [{n: t["score"] for n, t in grade(tmp_path, s, r, f"r{i}")["tests"].items()}
              for i, s in enumerate([archive, sub, down.parent])]
    assert scores[0] == scores[1] == scores[2]
    assert 0 < sum(scores[0].values()) and min(scores[0].values()) == 0


def test_a_missing_file_is_named_and_only_its_tests_score_zero(tmp_path):
    result = grade(tmp_path, submission(tmp_path, remove=["layers/losses.py"]), rubric(tmp_path, ACT, LOSSES))
    assert full(of(result, ACT)) and zero(of(result, LOSSES))
    assert "student/layers/losses.py" in result["data"]["output"]
    assert all("student/layers/losses.py: missing" in t["output"] for t in of(result, LOSSES))


@pytest.mark.parametrize("bad, said, where", [("def broken(:\n    pass\n", "syntax error", "losses.py:{line}"),
                                              ("raise RuntimeError('boom at import')\n", "boom at import",
                                               "losses.py, line {line}")])
def test_a_broken_file_costs_only_its_tests_and_is_located(tmp_path, bad, said, where):
    line = len((REPO / "solutions" / "layers" / "losses.py").read_text().splitlines()) + 3
    result = grade(tmp_path, submission(tmp_path, append={"layers/losses.py": bad}), rubric(tmp_path, ACT, LOSSES))
    assert full(of(result, ACT)) and zero(of(result, LOSSES))
    for t in of(result, LOSSES):
        assert said in t["output"] and f"student/layers/{where.format(line=line)}" in t["output"], t["output"]


def test_a_package_beside_a_file_is_refused_and_never_runs(tmp_path):
    """The checks read the skeleton's layers/activations.py; Python would run the package layers/activations/
    beside it, whose working activations use an API the course forbids (which no check reads there)."""
    source = submission(tmp_path, base="student")
    package = source / "student" / "layers" / "activations"
    package.mkdir()
    (package / "__init__.py").write_text((REPO / "solutions/layers/activations.py").read_text()
                                         + "\nimport torch.nn.functional as F\n")
    result = grade(tmp_path, source, rubric(tmp_path, ACT))
    assert zero(of(result, ACT))
    said = ("student/layers/activations.py: Python imports student/layers/activations/ instead of this file, so your "
            "code would not run what the checks read; delete student/layers/activations/ (or this file)")
    assert all(said in t["output"] for t in of(result, ACT)), of(result, ACT)[0]["output"]
    assert said in result["data"]["output"]


def test_exit_calls_cost_only_the_tests_that_reach_them(tmp_path):
    source = submission(tmp_path, append={
        "layers/losses.py": "import sys\nsys.exit(2)\n",
        "layers/activations.py": "def tanh_forward(x):\n    import os\n    os._exit(3)\n"})
    result = grade(tmp_path, source, rubric(tmp_path, ACT, LOSSES))
    assert zero(of(result, LOSSES)) and all("sys.exit(2)" in t["output"] for t in of(result, LOSSES))
    act = of(result, ACT)
    assert all(("os._exit(3)" in t["output"]) == ("[tanh]" in n) for n, t in result["tests"].items() if t in act)
    assert all(t["score"] == t["max_score"] for n, t in result["tests"].items() if t in act and "[tanh]" not in n)


def test_an_infinite_loop_times_out_and_the_grade_stays_within_budget(tmp_path):
    source = submission(tmp_path, append={"layers/activations.py": "def relu_forward(x):\n    while True:\n        pass\n"})
    result = grade(tmp_path, source, rubric(tmp_path, ACT, call_timeout_s=2, budget_s=60))
    relu = [t for n, t in result["tests"].items() if "[relu]" in n]
    assert relu and all(t["score"] == 0 and "timed out after 2 s" in t["output"] for t in relu)
    assert all(t["score"] == t["max_score"] for n, t in result["tests"].items() if "relu" not in n)
    assert result["data"]["execution_time"] < 60


def test_a_huge_allocation_fails_with_a_memory_message(tmp_path):
    source = submission(tmp_path, append={"layers/activations.py": '''\
        def sigmoid_forward(x):
            big = np.ones(20 * 2**30 // 8)
            return big[:x.size].reshape(x.shape), (x,)
        '''})
    result = grade(tmp_path, source, rubric(tmp_path, ACT))
    failed = [(i, t) for i, t in result["tests"].items() if t["score"] == 0]
    assert any("[sigmoid]" in i for i, t in failed)
    assert all("memory" in t["output"] for i, t in failed)


def test_printing_50_megabytes_keeps_results_small(tmp_path):
    source = submission(tmp_path, append={"layers/activations.py": '''\
        print("x" * (50 << 20))
        _relu_forward = relu_forward

        def relu_forward(x):
            print("y" * (1 << 20))
            return _relu_forward(x)
        '''})
    result = grade(tmp_path, source, rubric(tmp_path, ACT))
    assert result["size"] < 1_000_000
    assert full(of(result, ACT))
    assert any("Your code printed" in t["output"] for t in of(result, ACT))


def test_writing_the_results_or_deleting_files_does_not_change_the_grade(tmp_path):
    results_dir = tmp_path / "results"
    results_dir.mkdir()
    decoy = results_dir / "keep.txt"
    decoy.write_text("instructor file")
    attack = f'''\
        import os as _os
        for _path in [{str(results_dir / "results.json")!r}, {str(decoy)!r}]:
            try:
                with open(_path, "w") as _f:
                    _f.write('{{"score": 1000, "tests": []}}')
            except OSError:
                pass
        for _dirpath, _dirs, _files in _os.walk({str(tmp_path)!r}):
            for _name in _files:
                try:
                    _os.remove(_os.path.join(_dirpath, _name))
                except OSError:
                    pass
        '''
    source = submission(tmp_path, append={"layers/activations.py": attack})
    result = grade(tmp_path, source, rubric(tmp_path, ACT))
    lost = {n: t["output"][-300:] for n, t in result["tests"].items() if t["score"] != t["max_score"]}
    assert full(of(result, ACT)), lost
    assert result["data"]["score"] == sum(t["max_score"] for t in of(result, ACT)), result["data"]["output"][-1000:]
    assert decoy.read_text() == "instructor file"


def test_monkeypatching_the_comparisons_gains_nothing(tmp_path):
    patch = '''\
        import numpy as _np
        import torch as _torch
        _np.allclose = lambda *a, **k: True
        _np.testing.assert_allclose = lambda *a, **k: None
        _np.array_equal = lambda *a, **k: True
        _torch.allclose = lambda *a, **k: True
        '''
    source = submission(tmp_path, base="student", append={"layers/activations.py": patch})
    result = grade(tmp_path, source, rubric(tmp_path, ACT, "tests/hidden/test_activations.py"))
    assert result["data"]["score"] == 0 and result["tests"]


def test_results_of_the_wrong_type_shape_dtype_or_nan_fail_cleanly(tmp_path):
    source = submission(tmp_path, append={"layers/activations.py": '''\
        def sigmoid_forward(x):
            return x.astype(str), (x,)

        def relu_forward(x):
            return np.zeros((1, 1)), (x,)

        def tanh_forward(x):
            return np.full(x.shape, np.nan), (x,)

        def gaussian_forward(x):
            return object(), (x,)
        '''})
    result = grade(tmp_path, source, rubric(tmp_path, ACT))
    said = {"sigmoid": "dtype", "relu": "shape (1, 1)", "tanh": "NaN", "gaussian": "object"}
    for name, words in said.items():
        entry = result["tests"][f"public/test_activations.py::test_activation_forward_matches_formula[{name}]"]
        assert entry["score"] == 0 and words in entry["output"], entry["output"]
        assert "grader/" not in entry["output"] and "Traceback (most recent" not in entry["output"]


def test_using_torch_optim_inside_adam_is_reported_and_scores_zero(tmp_path):
    source = submission(tmp_path, append={"optimizers/adam.py": '''\
        class Adam(torch.optim.Adam):
            pass
        '''})
    result = grade(tmp_path, source, rubric(tmp_path, ACT, ADAM))
    assert zero(of(result, ADAM)) and full(of(result, ACT))
    assert "torch.optim.Adam is not allowed" in result["data"]["output"]
    assert all("torch.optim" in t["output"] for t in of(result, ADAM))


@pytest.mark.parametrize("entry", ["../escaped.py", "link"])
def test_an_unsafe_zip_is_rejected_and_nothing_is_written_outside(tmp_path, entry):
    sub = submission(tmp_path)
    archive = tmp_path / "work" / "submission.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as z:
        for p in sorted((sub / "student").rglob("*.py")):
            z.write(p, p.relative_to(sub).as_posix())
        if entry == "link":
            info = zipfile.ZipInfo("student/layers/secret.py")
            info.external_attr = (0o120777) << 16
            z.writestr(info, "/etc/shadow")
        else:
            z.writestr(entry, "print('escaped')\n")
    result = grade(tmp_path, archive, rubric(tmp_path, ACT))
    assert result["data"]["score"] == 0 and zero(of(result, ACT)) and len(of(result, ACT)) == 21
    assert "was not graded" in result["data"]["output"]
    assert not (tmp_path / "escaped.py").exists() and not (REPO / "escaped.py").exists()


# Grading the whole solutions (every point) and the whole skeleton (zero) runs end to end
# through the autograder zip in test_distribution.py, once each.


def test_a_hidden_tests_message_carries_none_of_the_inputs_a_raising_function_embeds(tmp_path):
    shown = 'LEAK " + " ".join(f"{v:.6f}" for v in np.ravel(x)[:8])'
    source = submission(tmp_path, append={
        "layers/losses.py": f"def softmax(x):\n    raise type(\"{shown.replace(' ', '_')[:5]}Error\", (ValueError,), {{}})"
                            f"(\"{shown})\n",
        "layers/activations.py": f"def relu_forward(x):\n    raise ValueError(\"{shown})\n"})
    hidden = ["tests/hidden/test_losses.py", "tests/hidden/test_activations.py"]
    result = grade(tmp_path, source, rubric(tmp_path, *hidden, details=False))
    failed = [t for t in result["tests"].values() if t["score"] < t["max_score"]]
    assert failed and not any("LEAK" in t["output"] for t in result["tests"].values())
    assert any(t["output"].startswith("Your code raised ValueError at student/layers/activations.py:") for t in failed)
    assert any("a class your code defines at student/layers/losses.py:" in t["output"] for t in failed)


def test_a_call_that_hangs_once_costs_only_the_test_that_made_it(tmp_path):
    source = submission(tmp_path, append={"layers/activations.py": '''\
        _relu_forward = relu_forward

        def relu_forward(x):
            import os
            if not os.path.exists("hung-once"):
                open("hung-once", "w").close()
                while True:
                    pass
            return _relu_forward(x)
        '''})
    result = grade(tmp_path, source, rubric(tmp_path, ACT, call_timeout_s=2, budget_s=60))
    relu = [t for n, t in result["tests"].items() if "relu" in n and "leaky" not in n]
    failed = [t for t in relu if t["score"] < t["max_score"]]
    assert len(relu) > 1 and len(failed) == 1 and "timed out after 2 s" in failed[0]["output"]
