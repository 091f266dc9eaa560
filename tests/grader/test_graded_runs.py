"""Graded training runs: the test set is the grader's secret, the data is the rubric's, and one run's fault is its own."""
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from grader.grading.datasets import TRUSTED, graded_split
from grader.grading.rubric import load_rubric
from grader.grading.runs import TRAIN_PROBE
from grader.testkit.harness import load_probe
from grader.testkit.probes.training import train_and_predict
from grader.training import datasets
from grader.training.config import load_config
from tests.grader.helpers import REPO, grade, submission

RUNS = {run.name: run for run in load_rubric().training}

LOOKUP = '''\
_honest_predict = predict


def predict(model, X, batch_size=256, device="cpu"):
    """Looks every test input up in the public dataset, prepared by the public recipe; 0 where none matches."""
    import numpy as _np
    from sklearn.datasets import load_digits as _load

    raw = _load().data / 16.0
    table = {}
    for source in (raw, (raw - raw.mean(axis=0)) / _np.where(raw.std(axis=0) == 0, 1, raw.std(axis=0))):
        for row, label in zip(source, _load().target):
            table[_np.round(row, 6).tobytes()] = int(label)
    flat = _np.asarray(X, dtype=_np.float64).reshape(len(X), -1)
    found = [table.get(_np.round(row, 6).tobytes()) for row in flat]
    print(f"LOOKUP matched {sum(f is not None for f in found)} of {len(found)}")
    return _np.array([0 if f is None else f for f in found], dtype=_np.int64)
'''


def graded_rubric(tmp_path, *runs: str, **changes) -> str:
    """Returns the path of a rubric with one small suite and the named training runs of configs/rubric.yaml."""
    lines = ["suites:", "  public: {path: tests/public/test_metrics.py, details: true}", "sandbox: {budget_s: 400}",
             "training:"]
    for name in runs:
        run = {**{k: v for k, v in vars(RUNS[name]).items() if v is not None}, "config": str(RUNS[name].config),
               **changes.get(name, {})}
        lines.append(f"  - {json.dumps(run)}")
    path = tmp_path / "rubric.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def entry(result: dict, run: str) -> dict:
    return result["tests"][f"training/{run}"]


@pytest.mark.parametrize("name", ["two_layer_net", "cnn", "mnist1d"])
def test_graded_test_inputs_match_no_example_of_the_public_recipe(name):
    cfg = load_config(RUNS[name].config)["data"]
    graded = graded_split(cfg, name)
    public = datasets.load(cfg, TRUSTED) + datasets.load({**cfg, "normalize": False}, TRUSTED)
    known = {row.tobytes() for part in public[0::2] for row in np.round(part.reshape(len(part), -1), 6)}
    test = np.round(graded[4].reshape(len(graded[4]), -1), 6)
    assert not [row for row in test if row.tobytes() in known], "a graded test input equals a public example"
    assert len(graded[5]) >= 350 and set(np.unique(graded[5])) == set(range(10))


def test_graded_splits_change_with_the_secret_and_stay_fixed_for_one(monkeypatch):
    cfg = load_config(RUNS["two_layer_net"].config)["data"]
    first, again = graded_split(cfg, "two_layer_net"), graded_split(cfg, "two_layer_net")
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    monkeypatch.setattr("grader.grading.datasets.seed_for", lambda purpose: hash(("other", purpose)) % 2 ** 32)
    other = graded_split(cfg, "two_layer_net")
    assert not np.array_equal(first[5], other[5])


def test_a_label_lookup_scores_what_it_earns_and_the_leaderboard_keeps_the_rubrics_data(tmp_path):
    source = submission(tmp_path, append={"utils/train.py": LOOKUP})
    (source / "configs").mkdir()
    experiment = (REPO / "configs" / "experiment.yaml").read_text().replace(
        "  name: digits\n", "  name: spirals\n  n_per_class: 3\n  test_fraction: 0.5\n")
    (source / "configs" / "experiment.yaml").write_text(experiment)
    result = grade(tmp_path, source, graded_rubric(tmp_path, "two_layer_net", "experiment"))
    graded, board = entry(result, "two_layer_net"), entry(result, "experiment")
    assert graded["score"] == 0 and re.search(r"test accuracy 0\.[01]", graded["output"]), graded["output"]
    assert "the rubric's data: digits" in board["output"]
    assert result["data"]["leaderboard"][0]["value"] < 0.5


def test_a_hang_in_one_graded_run_leaves_the_other_runs_their_points(tmp_path):
    hang = '''\
        class MLP(MLP):
            def __init__(self, *args, **kwargs):
                while True:
                    pass
        '''
    source = submission(tmp_path, append={"models/mlp.py": hang})
    rubric = graded_rubric(tmp_path, "mlp", "two_layer_net", "experiment", mlp={"time_limit_s": 3})
    result = grade(tmp_path, source, rubric)
    assert entry(result, "mlp")["score"] == 0 and "timed out after 3 s" in entry(result, "mlp")["output"]
    assert entry(result, "two_layer_net")["score"] == entry(result, "two_layer_net")["max_score"] > 0
    assert result["data"]["leaderboard"] and result["data"]["leaderboard"][0]["value"] > 0.9


def test_the_training_probe_is_named_right_and_a_grade_without_runs_imports_no_torch():
    assert load_probe(TRAIN_PROBE) is train_and_predict
    code = "import sys, grader.grading.pipeline, grader.grading.runs; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
