"""``python -m grader train`` end to end, the trusted datasets, and the metrics it reports.

Each training run is a fresh process: an implementation is imported once per
process, and these tests train both the solutions and the skeleton.
"""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from grader.grading.datasets import TRUSTED
from grader.training import datasets
from grader.training.config import validate
from grader.training.report import classification_metrics, plot_grad_l1

REPO = Path(__file__).resolve().parents[2]
TINY = {
    "data": {"name": "digits"},
    "model": {"type": "two_layer_net", "hidden_size": 32, "activation": "relu"},
    "optimizer": {"type": "numpy_sgd", "learning_rate": 0.2},
    "train": {"epochs": 2, "batch_size": 16},
}
TORCH_TINY = {
    "mlp": ({"name": "digits"}, {"type": "mlp", "hidden_features": 16, "depth": 3, "dropout": 0.1}),
    "residual_mlp": ({"name": "digits"}, {"type": "residual_mlp", "hidden_features": 16, "num_blocks": 2,
                                          "block_hidden": 8, "norm": True}),
    "convnet": ({"name": "digits_images"}, {"type": "convnet", "channels": [4, 8], "batchnorm": True,
                                            "extra_layers": 2, "skip_every": 1}),
    "conv1dnet": ({"name": "mnist1d"}, {"type": "conv1dnet", "channels": [4, 8]}),
}


def train(tmp_path: Path, config: dict, *args: str) -> tuple[subprocess.CompletedProcess, Path]:
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(config))
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "grader", "train", str(path), "--out", str(out), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"})
    return proc, out


def test_train_with_the_solutions_writes_history_metrics_and_curves(tmp_path):
    proc, out = train(tmp_path, TINY, "--impl", "solutions", "--seed", "3", "--device", "cpu")
    assert proc.returncode == 0, proc.stderr
    assert "epoch   2/2" in proc.stdout and "test accuracy" in proc.stdout and str(out) in proc.stdout
    history = json.loads((out / "history.json").read_text())
    assert all(len(history[k]) == 2 for k in ("train_loss", "train_acc", "val_loss", "val_acc"))
    assert sorted(history["grad_l1"]) == ["W1", "W2", "b1", "b2"]
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics) == {"test_accuracy", "macro_precision", "macro_recall", "confusion_matrix", "seconds"}
    assert metrics["test_accuracy"] > 0.5
    assert np.array(metrics["confusion_matrix"]).shape == (10, 10)
    assert np.sum(metrics["confusion_matrix"]) == 359
    assert (out / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (out / "grad_l1.png").exists()


def test_train_with_the_skeleton_names_the_missing_function_in_one_line(tmp_path):
    proc, out = train(tmp_path, TINY, "--impl", "student")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert lines[0].startswith("cannot train yet: ") and lines[0].endswith("is not implemented yet")
    assert "student/" in lines[0]


def test_train_reports_a_bad_config_by_its_field(tmp_path):
    proc, _ = train(tmp_path, {**TINY, "train": {"epochs": 0, "batch_size": 64}}, "--impl", "solutions")
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {tmp_path / 'tiny.yaml'}: train.epochs must be >= 1, got 0"


@pytest.mark.parametrize("kind", list(TORCH_TINY))
def test_train_builds_every_torch_model_from_its_config(tmp_path, kind):
    data, model = TORCH_TINY[kind]
    config = {"data": data, "model": model, "optimizer": {"type": "adam", "lr": 0.01},
              "train": {"epochs": 1, "batch_size": 128}, "device": "auto", "grad_l1": True}
    proc, out = train(tmp_path, config, "--impl", "solutions")
    assert proc.returncode == 0, proc.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    assert 0 <= metrics["test_accuracy"] <= 1
    assert json.loads((out / "history.json").read_text())["grad_l1"]
    assert (out / "grad_l1.png").is_file() and (out / "curves.png").is_file()


def test_trusted_splits_are_deterministic_and_disjoint():
    cfg = validate({**TINY, "data": {"name": "spirals", "n_per_class": 50}})["data"]
    first, second = datasets.load(cfg, TRUSTED), datasets.load(cfg, TRUSTED)
    for a, b in zip(first, second):
        assert np.array_equal(a, b)
    X_train, y_train, X_val, y_val, X_test, y_test = first
    assert (len(X_train), len(X_val), len(X_test)) == (96, 24, 30)
    assert set(np.unique(y_test)) == {0, 1, 2}, "the held-out test set is drawn from every class"
    assert abs(X_train.mean()) < 1e-12 and np.allclose(X_train.std(axis=0), 1)
    index = np.arange(150)
    rest, rest_labels, test, test_labels = datasets.hold_out(index, index, 0.2)
    assert len(test) == 30 and np.array_equal(np.sort(np.concatenate([rest, test])), index)
    assert np.array_equal(rest, rest_labels) and np.array_equal(test, test_labels), "X and y are split together"


@pytest.mark.parametrize("name, shape", [("digits", (64,)), ("digits_images", (1, 8, 8)), ("mnist1d", (40,))])
def test_trusted_loaders_match_the_reference_utils_data(name, shape):
    spec = importlib.util.spec_from_file_location("reference_data", REPO / "solutions" / "utils" / "data.py")
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    cfg = validate({**TINY, "data": {"name": name}})["data"]
    trusted, student_side = datasets.load(cfg, TRUSTED), datasets.load(cfg, reference)
    assert trusted[0].shape[1:] == shape
    for a, b in zip(trusted, student_side):
        assert a.shape == b.shape and np.allclose(a, b)


def test_file_datasets_are_not_graded():
    cfg = validate({**TINY, "data": {"name": "mnist", "root": "/nowhere"}})["data"]
    with pytest.raises(ValueError, match="graded runs use digits"):
        datasets.load(cfg, TRUSTED)


def test_classification_metrics_come_from_the_implementations_metrics():
    spec = importlib.util.spec_from_file_location("reference_metrics", REPO / "solutions" / "utils" / "metrics.py")
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    y_true = np.array([0, 0, 1, 1, 2])
    y_pred = np.array([0, 1, 1, 1, 1])
    m = classification_metrics(reference, y_true, y_pred, 3)
    assert m["confusion_matrix"] == [[1, 1, 0], [0, 2, 0], [0, 1, 0]]
    assert m["test_accuracy"] == pytest.approx(0.6)
    assert m["macro_precision"] == pytest.approx((1 + 0.5 + 0) / 3)  # class 2 is never predicted: precision 0
    assert m["macro_recall"] == pytest.approx((0.5 + 1 + 0) / 3)


def test_grad_l1_plot_is_a_png(tmp_path):
    path = plot_grad_l1({"layers.0.weight": 1e-4, "layers.0.bias": 0.0, "layers.2.weight": 0.5}, tmp_path / "g.png",
                        title="t")
    assert path.read_bytes()[:4] == b"\x89PNG"
