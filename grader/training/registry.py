"""The one registry of what a config can name: models, optimizers and datasets.

Each entry says where the implementation defines it and how it is used; the
config checker (``config.py``), the fit loop (``fit.py``) and the graded runs
(``grader.grading.runs``) all read these tables.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Model:
    """A model of the implementation: its class (``module:Class``), its framework and the inputs it takes.

    ``inputs``: ``flat`` (N, D), ``images`` (N, C, H, W) or ``signals`` (N, C, L).
    """

    cls: str
    framework: str
    inputs: str = "flat"


@dataclass(frozen=True)
class Optimizer:
    """An optimizer of the implementation: its class and the framework of the models it trains."""

    cls: str
    framework: str


@dataclass(frozen=True)
class Dataset:
    """A dataset a config can train on.

    ``embedded``: shipped inside a package (graded runs may use it); ``held_out``:
    without a test split of its own, so one is held out; ``inputs``: what its
    features are (``flat``, ``images`` or ``signals``).
    """

    inputs: str
    embedded: bool
    held_out: bool


MODELS = {
    "softmax_regression": Model("models.softmax_regression:SoftmaxRegression", "numpy"),
    "two_layer_net": Model("models.two_layer_net:TwoLayerNet", "numpy"),
    "mlp": Model("models.mlp:MLP", "torch"),
    "residual_mlp": Model("models.mlp:ResidualMLP", "torch"),
    "convnet": Model("models.cnn:ConvNet", "torch", "images"),
    "conv1dnet": Model("models.cnn:Conv1dNet", "torch", "signals"),
}
OPTIMIZERS = {
    "numpy_sgd": Optimizer("optimizers.numpy_sgd:NumpySGD", "numpy"),
    "sgd": Optimizer("optimizers.sgd:SGD", "torch"),
    "adam": Optimizer("optimizers.adam:Adam", "torch"),
}
DATASETS = {
    "digits": Dataset("flat", embedded=True, held_out=True),
    "digits_images": Dataset("images", embedded=True, held_out=True),
    "spirals": Dataset("flat", embedded=True, held_out=True),
    "mnist1d": Dataset("signals", embedded=True, held_out=False),
    "mnist": Dataset("images", embedded=False, held_out=False),
    "cifar10": Dataset("images", embedded=False, held_out=False),
}
NUMPY_MODELS = tuple(name for name, m in MODELS.items() if m.framework == "numpy")
EMBEDDED_DATASETS = tuple(name for name, d in DATASETS.items() if d.embedded)


def is_numpy_model(model_type: str) -> bool:
    """Returns True when ``model_type`` names a numpy model (trained by ``train_numpy`` with ``numpy_sgd``)."""
    return MODELS[model_type].framework == "numpy"
