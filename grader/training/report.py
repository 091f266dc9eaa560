"""``python -m grader train CONFIG``: train a model from a config and write its curves and metrics.

The implementation (``--impl student``, ``solutions`` or a folder) provides the
data loaders, the model, the optimizer, the training loop, ``predict``, the
metrics and ``plot_curves``; the grader reads the config and reports each epoch. Written to ``--out`` (default ``runs/<config name>``):

- ``history.json``: the learning curves and the first epoch's gradient L1 norms;
- ``metrics.json``: ``test_accuracy``, ``seconds`` of training and, once
  ``utils/metrics.py`` is written, ``macro_precision``, ``macro_recall`` and
  ``confusion_matrix`` (rows true class, columns predicted);
- ``curves.png``: the implementation's ``plot_curves``;
- ``grad_l1.png`` when the config sets ``grad_l1: true``: a bar per parameter.

A function of the implementation that is not written yet ends the run with a
one-line message naming it (exit status 1); a bad config or ``--impl`` exits 2.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path
from types import ModuleType

import numpy as np

from grader.testkit.harness import ImplementationNotFound, LocalRunner, resolve_impl
from grader.training import datasets
from grader.training.config import ConfigError, load_config
from grader.training.fit import fit, predict_labels
from grader.training.registry import is_numpy_model


def main(args: argparse.Namespace) -> int:
    """``python -m grader train CONFIG [--impl] [--out] [--seed] [--device]``."""
    try:
        config = load_config(args.config, {"seed": args.seed, "device": args.device})
        root = resolve_impl(args.impl)
    except (ConfigError, ImplementationNotFound) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    name = Path(args.config).stem
    out = Path(args.out) if args.out else Path("runs") / name
    LocalRunner(root)  # puts the implementation first on sys.path
    try:
        train_and_report(config, name, out)
    except NotImplementedError as exc:
        print(f"cannot train yet: {exc}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def train_and_report(config: dict, name: str, out: Path) -> dict:
    """Returns the metrics after training the implementation on sys.path as ``config`` says and writing ``out``."""
    from tqdm.auto import tqdm

    X_train, y_train, X_val, y_val, X_test, y_test = datasets.load(config["data"],
                                                                    importlib.import_module("utils.data"))
    title = f"{name}: {config['model']['type']} on {config['data']['name']}"
    print(f"{title}: {len(X_train)} training, {len(X_val)} validation, {len(X_test)} test samples, "
          f"{config['train']['epochs']} epochs, seed {config['seed']}", flush=True)
    epochs = config["train"]["epochs"]
    interactive = sys.stderr.isatty()  # progress bars only on a terminal, not in logs
    bar = tqdm(total=epochs, unit="epoch", leave=False, disable=not (interactive and is_numpy_model(config["model"]["type"])))
    start = time.perf_counter()

    def report(epoch: int, history: dict) -> None:
        bar.update(1)
        bar.write(f"epoch {epoch + 1:3d}/{epochs}  train loss {history['train_loss'][-1]:.4f} "
                  f"acc {history['train_acc'][-1]:.4f} | val loss {history['val_loss'][-1]:.4f} "
                  f"acc {history['val_acc'][-1]:.4f}  ({time.perf_counter() - start:.1f} s)")

    model, history = fit(config, X_train, y_train, X_val, y_val, on_epoch=report, progress=interactive)
    bar.close()
    seconds = time.perf_counter() - start
    predictions = predict_labels(model, config, X_test)
    num_classes = int(max(y_train.max(), y_test.max())) + 1
    metrics = {**classification_metrics(importlib.import_module("utils.metrics"), y_test, predictions, num_classes),
               "seconds": round(seconds, 3)}
    out.mkdir(parents=True, exist_ok=True)
    (out / "history.json").write_text(json.dumps(history, indent=1) + "\n")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n")
    written = [out / "history.json", out / "metrics.json"]
    plot_curves = getattr(importlib.import_module("utils.plot"), "plot_curves")
    plot_curves(history, out / "curves.png", title=title)
    written.append(out / "curves.png")
    if config["grad_l1"]:
        plot_grad_l1(history["grad_l1"], out / "grad_l1.png", title=title)
        written.append(out / "grad_l1.png")
    scores = (f"macro precision {metrics['macro_precision']:.4f}, macro recall {metrics['macro_recall']:.4f}"
              if "macro_precision" in metrics else "precision and recall once utils/metrics.py is written")
    print(f"test accuracy {metrics['test_accuracy']:.4f}, {scores}, {seconds:.1f} s of training")
    print("wrote " + ", ".join(str(p) for p in written))
    return metrics


def classification_metrics(metrics: ModuleType, y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> dict:
    """Returns test_accuracy, macro_precision, macro_recall and confusion_matrix (rows true, columns predicted),
    computed by the implementation's ``utils.metrics`` module ``metrics``; what it has not written yet is left out."""
    found: dict = {"test_accuracy": float(np.mean(np.asarray(y_pred) == np.asarray(y_true)))}
    try:
        precision, recall = metrics.precision_recall(y_true, y_pred, num_classes)
        found.update(macro_precision=float(precision), macro_recall=float(recall),
                     confusion_matrix=np.asarray(metrics.confusion_matrix(y_true, y_pred, num_classes)).tolist())
    except NotImplementedError:
        pass
    return found


def plot_grad_l1(grad_l1: dict[str, float], path: Path, title: str | None = None) -> Path:
    """Returns ``path`` after writing a bar plot of the first epoch's gradient L1 norm per parameter (log scale).

    Weights are blue, biases orange, in the order of ``grad_l1`` (the model's, input side first).
    """
    from matplotlib.figure import Figure

    names = list(grad_l1)
    fig = Figure(figsize=(max(6.0, 0.35 * len(names) + 2), 4.5), layout="constrained")
    ax = fig.subplots()
    colors = ["tab:orange" if n.endswith("bias") or n.split(".")[-1].startswith("b") else "tab:blue" for n in names]
    ax.bar(range(len(names)), [max(grad_l1[n], 1e-30) for n in names], color=colors)
    ax.set_xticks(range(len(names)), names, rotation=70, ha="right", fontsize=8)
    ax.set_yscale("log")
    ax.set_xlabel("parameter (input side first)")
    ax.set_ylabel("mean L1 norm of the gradient, first epoch")
    if title:
        ax.set_title(title)
    fig.savefig(path)
    return path
