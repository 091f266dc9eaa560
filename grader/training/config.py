"""Training configs: load a YAML file, check every field, fill in the defaults.

A config has five parts (``configs/experiment.yaml`` is a commented example)::

    data:      {name: digits, normalize: true, ...}          # which dataset and how to split it
    model:     {type: two_layer_net, hidden_size: 128, ...}  # constructor arguments of the model
    optimizer: {type: numpy_sgd, learning_rate: 0.1, ...}    # constructor arguments of the optimizer
    train:     {epochs: 10, batch_size: 64}
    seed: 0            # optional: model initialization and shuffling
    device: auto       # optional: cpu, cuda or auto (torch models)
    grad_l1: false     # optional: also plot the first epoch's gradient L1 norm per parameter

Input sizes and class counts come from the data, so a model section holds only
the other constructor arguments. Every value that sets the amount of work
(dataset size, epochs, batch size, widths, depths) has an upper bound, generous
for the course but small enough that a submitted config cannot ask for hours of
training or gigabytes of memory; ``train.epochs`` times the examples of the
dataset is bounded as well (``MAX_EXAMPLE_PASSES``). Every problem is reported as a ``ConfigError``
naming the field (``optimizer.lr must be > 0, got -0.1``) or the unknown key and
the valid ones.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable

from grader.training.registry import DATASETS, MODELS, OPTIMIZERS
from grader.yamlfile import read_yaml

ACTIVATIONS = ("sigmoid", "relu", "tanh", "leaky_relu", "silu", "gaussian")
DEVICES = ("cpu", "cuda", "auto")
MAX_SPIRAL_POINTS_PER_CLASS = 5000  # 10 classes of 5,000: as many examples as MNIST's training set
MAX_SPIRAL_CLASSES = 10
MAX_EPOCHS = 200                    # the shipped configs train at most 30
MAX_BATCH_SIZE = 4096               # a full batch of every embedded dataset
MAX_WIDTH = 1024                    # hidden sizes; the shipped configs use at most 256
MAX_DEPTH = 32                      # linear layers of an mlp; the study's deepest has 15
MAX_BLOCKS = 16                     # residual blocks of 2 linear layers each; the study uses 7
MAX_STAGES = 6                      # entries of channels: each halves the input (40 -> 1 after 6)
MAX_CHANNELS = 256                  # the shipped configs use at most 32
MAX_EXTRA_LAYERS = 16
MAX_SEED = 2 ** 32 - 1              # what every random generator of numpy and torch takes
MAX_EXAMPLE_PASSES = 5_000_000      # epochs x examples: the shipped configs need at most 54,000
EXAMPLES = {"digits": 1797, "digits_images": 1797, "mnist1d": 5000, "mnist": 70000, "cifar10": 60000}
"""Examples in each dataset with a fixed size (spirals: n_per_class x n_classes), an upper bound of the training set."""
_REQUIRED = object()


class ConfigError(ValueError):
    """A config that cannot be used; the message names the field and what is wrong."""


Check = Callable[[Any, str], Any]


def _number(value: Any, where: str) -> float:
    if isinstance(value, str):  # YAML 1.1 reads 1e-3 (no dot) as a string
        try:
            value = float(value)
        except ValueError:
            raise ConfigError(f"{where} must be a number, got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ConfigError(f"{where} must be a number, got {value!r}")
    return float(value)


def real(low: float | None = None, high: float | None = None, low_open: bool = False,
         high_open: bool = True) -> Check:
    """Returns a check for a number in the given range (``low_open``: ``> low`` instead of ``>= low``)."""
    def check(value: Any, where: str) -> float:
        x = _number(value, where)
        if low is not None and (x <= low if low_open else x < low):
            raise ConfigError(f"{where} must be {'>' if low_open else '>='} {low:g}, got {value}")
        if high is not None and (x >= high if high_open else x > high):
            raise ConfigError(f"{where} must be {'<' if high_open else '<='} {high:g}, got {value}")
        return x
    return check


def integer(low: int = 0, high: int | None = None) -> Check:
    """Returns a check for an integer ``>= low`` (and ``<= high`` when given)."""
    def check(value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be an integer, got {value!r}")
        if value < low:
            raise ConfigError(f"{where} must be >= {low}, got {value}")
        if high is not None and value > high:
            raise ConfigError(f"{where} must be <= {high}, got {value}")
        return value
    return check


def boolean(value: Any, where: str) -> bool:
    """Checks a true/false field."""
    if not isinstance(value, bool):
        raise ConfigError(f"{where} must be true or false, got {value!r}")
    return value


def one_of(*choices: str, optional: bool = False) -> Check:
    """Returns a check for one of ``choices`` (or null when ``optional``)."""
    def check(value: Any, where: str) -> str | None:
        if value is None and optional:
            return None
        if value not in choices:
            extra = " or null" if optional else ""
            raise ConfigError(f"{where} must be one of {', '.join(choices)}{extra}, got {value!r}")
        return value
    return check


def text(value: Any, where: str) -> str:
    """Checks a non-empty string (a folder, for instance)."""
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where} must be a non-empty string, got {value!r}")
    return value


def int_list(max_len: int, high: int) -> Check:
    """Returns a check for a non-empty list of at most ``max_len`` integers in [1, high] (channel counts)."""
    def check(value: Any, where: str) -> list[int]:
        if not isinstance(value, list) or not value:
            raise ConfigError(f"{where} must be a non-empty list of positive integers, got {value!r}")
        if len(value) > max_len:
            raise ConfigError(f"{where} must have at most {max_len} entries, got {len(value)}")
        return [integer(1, high)(v, f"{where}[{i}]") for i, v in enumerate(value)]
    return check


def betas(value: Any, where: str) -> list[float]:
    """Checks Adam's pair of decay rates, each in [0, 1)."""
    if not isinstance(value, list) or len(value) != 2:
        raise ConfigError(f"{where} must be a pair [beta1, beta2], got {value!r}")
    return [real(0.0, 1.0)(v, f"{where}[{i}]") for i, v in enumerate(value)]


def activation(value: Any, where: str) -> str:
    """Checks the name of an activation function (the keys of layers.activations.ACTIVATIONS)."""
    return one_of(*ACTIVATIONS)(value, where)


_SPLIT = {"normalize": (boolean, True), "train_fraction": (real(0.0, 1.0, low_open=True), 0.8)}
_HELD_OUT = {"test_fraction": (real(0.0, 1.0, low_open=True), 0.2)}
DATA_FIELDS = {
    "digits": {**_SPLIT, **_HELD_OUT},
    "digits_images": {**_SPLIT, **_HELD_OUT},
    "spirals": {**_SPLIT, **_HELD_OUT, "n_per_class": (integer(2, MAX_SPIRAL_POINTS_PER_CLASS), 300),
                "n_classes": (integer(2, MAX_SPIRAL_CLASSES), 3),
                "noise": (real(0.0), 0.2)},
    "mnist1d": dict(_SPLIT),
    "mnist": {**_SPLIT, "root": (text, _REQUIRED)},
    "cifar10": {**_SPLIT, "root": (text, _REQUIRED)},
}
_CONV = {"channels": (int_list(MAX_STAGES, MAX_CHANNELS), [32, 64]), "activation": (activation, "relu"),
         "batchnorm": (boolean, False), "dropout": (real(0.0, 1.0), 0.0),
         "extra_layers": (integer(0, MAX_EXTRA_LAYERS), 0), "skip_every": (integer(0, MAX_EXTRA_LAYERS), 0)}
MODEL_FIELDS = {
    "softmax_regression": {},
    "two_layer_net": {"hidden_size": (integer(1, MAX_WIDTH), 128), "activation": (activation, "sigmoid"),
                      "weight_scale": (real(0.0, low_open=True), 1e-3)},
    "mlp": {"hidden_features": (integer(1, MAX_WIDTH), 128), "depth": (integer(1, MAX_DEPTH), 3),
            "activation": (activation, "relu"), "batchnorm": (boolean, False), "dropout": (real(0.0, 1.0), 0.0),
            "output_activation": (one_of(*ACTIVATIONS, optional=True), None)},
    "residual_mlp": {"hidden_features": (integer(1, MAX_WIDTH), 128), "num_blocks": (integer(1, MAX_BLOCKS), 2),
                     "block_hidden": (integer(1, MAX_WIDTH), 128), "activation": (activation, "relu"),
                     "norm": (boolean, False)},
    "convnet": _CONV,
    "conv1dnet": _CONV,
}
OPTIMIZER_FIELDS = {
    "numpy_sgd": {"learning_rate": (real(0.0, low_open=True), 1e-4), "reg": (real(0.0), 1e-3)},
    "sgd": {"lr": (real(0.0, low_open=True), _REQUIRED), "momentum": (real(0.0, 1.0), 0.0),
            "weight_decay": (real(0.0), 0.0)},
    "adam": {"lr": (real(0.0, low_open=True), 1e-3), "betas": (betas, [0.9, 0.999]),
             "eps": (real(0.0, low_open=True), 1e-8), "weight_decay": (real(0.0), 0.0)},
}
TRAIN = {"epochs": (integer(1, MAX_EPOCHS), _REQUIRED), "batch_size": (integer(1, MAX_BATCH_SIZE), _REQUIRED)}
TOP = {"seed": (integer(0, MAX_SEED), 0), "device": (one_of(*DEVICES), "auto"), "grad_l1": (boolean, False)}
SECTIONS = ("data", "model", "optimizer", "train")


def _fields(raw: Any, where: str, schema: dict, fixed: dict | None = None, context: str = "") -> dict:
    """Returns the section ``raw`` checked against ``schema`` ({key: (check, default)}), defaults filled.

    ``fixed`` holds keys already checked (kept as given); ``context`` ends the
    message about an unknown key (``for model.type mlp``).
    """
    fixed = fixed or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a mapping of keys to values, got {type(raw).__name__}")
    valid = sorted([*fixed, *schema])
    for key in raw:
        if key not in valid:
            name = f"{where}.{key}" if where else str(key)
            place = context or (f" in {where}" if where else "")
            raise ConfigError(f"unknown key {name}; valid keys{place}: {', '.join(valid)}")
    out = dict(fixed)
    for key, (check, default) in schema.items():
        name = f"{where}.{key}" if where else key
        if key in raw:
            out[key] = check(raw[key], name)
        elif default is _REQUIRED:
            raise ConfigError(f"{name} is required")
        else:
            out[key] = copy.deepcopy(default)
    return out


def _typed(raw: Any, where: str, field: str, kinds: dict) -> dict:
    """Returns a section whose ``field`` (data.name, model.type, ...) picks the schema from ``kinds``."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a mapping of keys to values, got {type(raw).__name__}")
    if raw.get(field) is None:
        raise ConfigError(f"{where}.{field} is required; one of {', '.join(kinds)}")
    kind = one_of(*kinds)(raw[field], f"{where}.{field}")
    return _fields(raw, where, kinds[kind], fixed={field: kind}, context=f" for {where}.{field} {kind}")


def validate(raw: Any) -> dict:
    """Returns the config ``raw`` (parsed YAML) checked, with every default filled in.

    Raises ConfigError for an unknown key (naming the valid ones), a missing
    required field, a value of the wrong type or out of range, an unknown name,
    or a model that cannot take the data or the optimizer.
    """
    if not isinstance(raw, dict):
        raise ConfigError(f"a config must be a mapping with sections {', '.join(SECTIONS)}, got {type(raw).__name__}")
    for section in SECTIONS:
        if section not in raw:
            raise ConfigError(f"missing section {section!r}; a config has sections {', '.join(SECTIONS)}")
    top = _fields(raw, "", TOP, fixed={s: raw[s] for s in SECTIONS})
    config = {
        "data": _typed(raw["data"], "data", "name", DATA_FIELDS),
        "model": _typed(raw["model"], "model", "type", MODEL_FIELDS),
        "optimizer": _typed(raw["optimizer"], "optimizer", "type", OPTIMIZER_FIELDS),
        "train": _fields(raw["train"], "train", TRAIN),
        **{key: top[key] for key in TOP},
    }
    _check_combination(config)
    _check_work(config)
    return config


def _check_work(config: dict) -> None:
    """Refuses more than ``MAX_EXAMPLE_PASSES`` examples trained on (epochs x examples of the dataset)."""
    data, epochs = config["data"], config["train"]["epochs"]
    if data["name"] == "spirals":
        examples, what = data["n_per_class"] * data["n_classes"], "data.n_per_class x data.n_classes"
    else:
        examples, what = EXAMPLES[data["name"]], f"the examples of data.name {data['name']}"
    if epochs * examples > MAX_EXAMPLE_PASSES:
        raise ConfigError(f"train.epochs {epochs} x {examples:,} ({what}) is {epochs * examples:,} examples to train "
                          f"on, more than {MAX_EXAMPLE_PASSES:,}; lower train.epochs")


def _check_combination(config: dict) -> None:
    data, model, optimizer = config["data"]["name"], config["model"]["type"], config["optimizer"]["type"]
    needs = MODELS[model].inputs
    if needs != "flat" and DATASETS[data].inputs != needs:
        fitting = [name for name, d in DATASETS.items() if d.inputs == needs]
        what = "images" if needs == "images" else "1-D signals"
        raise ConfigError(f"model.type {model} needs {what}: data.name {' or '.join(fitting)}, got {data}")
    if MODELS[model].framework != OPTIMIZERS[optimizer].framework:
        fitting = [name for name, o in OPTIMIZERS.items() if o.framework == MODELS[model].framework]
        raise ConfigError(f"optimizer.type {optimizer} cannot train model.type {model}; use {' or '.join(fitting)}")


def load_config(path: str | Path, overrides: dict | None = None) -> dict:
    """Returns the checked config read from YAML file ``path``, with top-level ``overrides`` (seed, device) applied.

    Raises ConfigError for a missing file, invalid YAML or an invalid config;
    the message starts with the file name.
    """
    path = Path(path)
    raw = read_yaml(path, ConfigError, "config")
    if isinstance(raw, dict):
        raw.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        return validate(raw)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
