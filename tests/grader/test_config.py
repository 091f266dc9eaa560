"""Training configs: the shipped ones are valid, and every mistake in one is named by its field."""
import copy
from pathlib import Path

import pytest
import yaml

from grader.training.config import (MAX_BATCH_SIZE, MAX_EPOCHS, MAX_EXAMPLE_PASSES, MAX_WIDTH, ConfigError, load_config,
                                    validate)
from grader.yamlfile import read_yaml

REPO = Path(__file__).resolve().parents[2]
TRAINING_CONFIGS = sorted(p for p in (REPO / "configs").rglob("*.yaml") if p.name not in ("policy.yaml", "rubric.yaml", "course.yaml"))
BASE = {
    "data": {"name": "digits"},
    "model": {"type": "two_layer_net", "hidden_size": 32},
    "optimizer": {"type": "numpy_sgd", "learning_rate": 0.1},
    "train": {"epochs": 2, "batch_size": 16},
}


def changed(**sections):
    """Returns BASE with the given sections updated (a value of None deletes the key)."""
    raw = copy.deepcopy(BASE)
    for section, change in sections.items():
        if isinstance(change, dict) and isinstance(raw.get(section), dict):
            for key, value in change.items():
                if value is None:
                    raw[section].pop(key, None)
                else:
                    raw[section][key] = value
        elif change is None:
            raw.pop(section)
        else:
            raw[section] = change
    return raw


def error_of(raw) -> str:
    with pytest.raises(ConfigError) as info:
        validate(raw)
    return str(info.value)


@pytest.mark.parametrize("path", TRAINING_CONFIGS, ids=lambda p: p.relative_to(REPO / "configs").as_posix())
def test_every_shipped_training_config_is_valid(path):
    config = load_config(path)
    assert config["train"]["epochs"] >= 1


def test_the_configs_the_course_needs_are_shipped():
    names = {p.relative_to(REPO / "configs").as_posix() for p in TRAINING_CONFIGS}
    for name in ("softmax_regression.yaml", "two_layer_net.yaml", "experiment.yaml", "mlp.yaml", "cnn.yaml",
                 "mnist1d.yaml", "residual.yaml", "study/01_sigmoid_baseline.yaml", "study/02_relu.yaml",
                 "study/03_minibatch.yaml", "study/04_momentum.yaml", "study/05_deeper.yaml", "study/06_skip.yaml"):
        assert name in names


def test_the_study_configs_record_gradient_norms():
    for path in sorted((REPO / "configs" / "study").glob("*.yaml")):
        assert load_config(path)["grad_l1"], f"{path.name} should set grad_l1: true"


def test_defaults_are_filled_in():
    config = validate(BASE)
    assert config["seed"] == 0 and config["device"] == "auto" and config["grad_l1"] is False
    assert config["data"] == {"name": "digits", "normalize": True, "train_fraction": 0.8, "test_fraction": 0.2}
    assert config["model"] == {"type": "two_layer_net", "hidden_size": 32, "activation": "sigmoid",
                               "weight_scale": 1e-3}
    assert config["optimizer"] == {"type": "numpy_sgd", "learning_rate": 0.1, "reg": 1e-3}


def test_an_unknown_top_level_key_is_named_with_the_valid_ones():
    message = error_of({**BASE, "optimiser": {}})
    assert message.startswith("unknown key optimiser;")
    assert "data, device, grad_l1, model, optimizer, seed, train" in message


def test_an_unknown_model_argument_is_named_with_the_valid_ones():
    message = error_of(changed(model={"hiden_size": 3}))
    assert message == ("unknown key model.hiden_size; valid keys for model.type two_layer_net: "
                       "activation, hidden_size, type, weight_scale")


def test_an_argument_of_another_optimizer_is_refused():
    message = error_of(changed(model={"type": "mlp", "hidden_size": None},
                               optimizer={"type": "adam", "learning_rate": 0.1}))
    assert message.startswith("unknown key optimizer.learning_rate;") and "lr" in message


@pytest.mark.parametrize("change, message", [
    ({"optimizer": {"learning_rate": -0.1}}, "optimizer.learning_rate must be > 0, got -0.1"),
    ({"optimizer": {"learning_rate": 0}}, "optimizer.learning_rate must be > 0, got 0"),
    ({"optimizer": {"reg": -1e-3}}, "optimizer.reg must be >= 0, got -0.001"),
    ({"train": {"epochs": 0}}, "train.epochs must be >= 1, got 0"),
    ({"train": {"batch_size": 0}}, "train.batch_size must be >= 1, got 0"),
    ({"train": {"batch_size": 2.5}}, "train.batch_size must be an integer, got 2.5"),
    ({"train": {"epochs": True}}, "train.epochs must be an integer, got True"),
    ({"train": {"epochs": None}}, "train.epochs is required"),
    ({"model": {"hidden_size": "many"}}, "model.hidden_size must be an integer, got 'many'"),
    ({"model": {"weight_scale": "abc"}}, "model.weight_scale must be a number, got 'abc'"),
    ({"model": {"activation": "swish"}},
     "model.activation must be one of sigmoid, relu, tanh, leaky_relu, silu, gaussian, got 'swish'"),
    ({"model": {"type": "mlpp"}}, "model.type must be one of softmax_regression, two_layer_net, mlp, "
                                  "residual_mlp, convnet, conv1dnet, got 'mlpp'"),
    ({"data": {"name": "imagenet"}}, "data.name must be one of digits, digits_images, spirals, mnist1d, mnist, "
                                     "cifar10, got 'imagenet'"),
    ({"data": {"train_fraction": 1.0}}, "data.train_fraction must be < 1, got 1.0"),
    ({"data": {"normalize": "yes"}}, "data.normalize must be true or false, got 'yes'"),
    ({"seed": -1}, "seed must be >= 0, got -1"),
    ({"device": "tpu"}, "device must be one of cpu, cuda, auto, got 'tpu'"),
    ({"train": None}, "missing section 'train'; a config has sections data, model, optimizer, train"),
    ({"model": {"type": None}}, "model.type is required; one of softmax_regression, two_layer_net, mlp, "
                                "residual_mlp, convnet, conv1dnet"),
    ({"train": [1, 2]}, "train must be a mapping of keys to values, got list"),
])
def test_a_bad_value_is_named_by_its_field(change, message):
    raw = changed(**{k: v for k, v in change.items() if k not in ("seed", "device")})
    raw.update({k: v for k, v in change.items() if k in ("seed", "device")})
    assert error_of(raw) == message


SGD = {"type": "sgd", "lr": 0.1, "learning_rate": None}


@pytest.mark.parametrize("change, message", [
    ({"data": {"name": "spirals", "n_per_class": 10**9}}, "data.n_per_class must be <= 5000, got 1000000000"),
    ({"data": {"name": "spirals", "n_classes": 10**6}}, "data.n_classes must be <= 10, got 1000000"),
    ({"train": {"epochs": 10**7}}, "train.epochs must be <= 200, got 10000000"),
    ({"train": {"batch_size": 10**9}}, "train.batch_size must be <= 4096, got 1000000000"),
    ({"model": {"hidden_size": 10**6}}, "model.hidden_size must be <= 1024, got 1000000"),
    ({"model": {"type": "mlp", "hidden_size": None, "hidden_features": 10**5}, "optimizer": SGD},
     "model.hidden_features must be <= 1024, got 100000"),
    ({"model": {"type": "mlp", "hidden_size": None, "depth": 10**4}, "optimizer": SGD},
     "model.depth must be <= 32, got 10000"),
    ({"model": {"type": "residual_mlp", "hidden_size": None, "num_blocks": 1000}, "optimizer": SGD},
     "model.num_blocks must be <= 16, got 1000"),
    ({"model": {"type": "residual_mlp", "hidden_size": None, "block_hidden": 10**5}, "optimizer": SGD},
     "model.block_hidden must be <= 1024, got 100000"),
    ({"data": {"name": "digits_images"}, "model": {"type": "convnet", "hidden_size": None, "channels": [8] * 1000},
      "optimizer": SGD}, "model.channels must have at most 6 entries, got 1000"),
    ({"data": {"name": "digits_images"}, "model": {"type": "convnet", "hidden_size": None, "channels": [8, 10**6]},
      "optimizer": SGD}, "model.channels[1] must be <= 256, got 1000000"),
    ({"data": {"name": "mnist1d"}, "model": {"type": "conv1dnet", "hidden_size": None, "extra_layers": 10**6},
      "optimizer": SGD}, "model.extra_layers must be <= 16, got 1000000"),
    ({"data": {"name": "spirals", "n_per_class": 5000, "n_classes": 10}, "train": {"epochs": 101}},
     "train.epochs 101 x 50,000 (data.n_per_class x data.n_classes) is 5,050,000 examples to train on, "
     "more than 5,000,000; lower train.epochs"),
    ({"data": {"name": "mnist", "root": "data"}, "train": {"epochs": 72}},
     "train.epochs 72 x 70,000 (the examples of data.name mnist) is 5,040,000 examples to train on, "
     "more than 5,000,000; lower train.epochs"),
])
def test_values_that_set_the_amount_of_work_are_bounded(change, message):
    assert error_of(changed(**change)) == message
    assert error_of({**BASE, "seed": 2**64}) == "seed must be <= 4294967295, got 18446744073709551616"


def test_the_bounds_leave_room_above_every_shipped_config():
    assert validate(changed(model={"hidden_size": MAX_WIDTH}, train={"epochs": MAX_EPOCHS,
                                                                      "batch_size": MAX_BATCH_SIZE}))
    spirals = {"name": "spirals", "n_per_class": 5000, "n_classes": 10}
    assert validate(changed(data=spirals, train={"epochs": MAX_EXAMPLE_PASSES // 50_000}))
    for path in TRAINING_CONFIGS:
        config = load_config(path)
        assert config["train"]["epochs"] * 4 <= MAX_EPOCHS and config["train"]["batch_size"] * 4 <= MAX_BATCH_SIZE


@pytest.mark.parametrize("dropout, ok", [(0.0, True), (0.5, True), (1.0, False), (-0.1, False)])
def test_dropout_must_lie_in_zero_to_one(dropout, ok):
    raw = changed(model={"type": "mlp", "hidden_size": None, "dropout": dropout}, optimizer={"type": "sgd", "lr": 0.1,
                                                                                               "learning_rate": None})
    if ok:
        assert validate(raw)["model"]["dropout"] == dropout
    else:
        assert error_of(raw).startswith(f"model.dropout must be {'<' if dropout > 0 else '>='}")


def test_adam_betas_are_a_pair_in_zero_to_one():
    raw = changed(model={"type": "mlp", "hidden_size": None},
                  optimizer={"type": "adam", "learning_rate": None, "betas": [0.9, 1.0]})
    assert error_of(raw) == "optimizer.betas[1] must be < 1, got 1.0"
    raw["optimizer"]["betas"] = [0.9]
    assert error_of(raw) == "optimizer.betas must be a pair [beta1, beta2], got [0.9]"


def test_convnet_channels_are_a_list_of_positive_integers():
    raw = changed(data={"name": "digits_images"}, model={"type": "convnet", "hidden_size": None, "channels": [8, 0]},
                  optimizer={"type": "sgd", "lr": 0.1, "learning_rate": None})
    assert error_of(raw) == "model.channels[1] must be >= 1, got 0"


def test_a_numpy_model_needs_numpy_sgd_and_a_torch_model_a_torch_optimizer():
    assert error_of(changed(optimizer={"type": "adam", "learning_rate": None})) == (
        "optimizer.type adam cannot train model.type two_layer_net; use numpy_sgd")
    assert error_of(changed(model={"type": "mlp", "hidden_size": None})) == (
        "optimizer.type numpy_sgd cannot train model.type mlp; use sgd or adam")


def test_convolutional_models_need_matching_data():
    sgd = {"type": "sgd", "lr": 0.1, "learning_rate": None}
    assert error_of(changed(model={"type": "convnet", "hidden_size": None}, optimizer=sgd)) == (
        "model.type convnet needs images: data.name digits_images or mnist or cifar10, got digits")
    assert error_of(changed(model={"type": "conv1dnet", "hidden_size": None}, optimizer=sgd)) == (
        "model.type conv1dnet needs 1-D signals: data.name mnist1d, got digits")


def test_file_datasets_need_a_root():
    raw = changed(data={"name": "mnist"})
    assert error_of(raw) == "data.root is required"
    raw["data"]["root"] = "data/mnist"
    assert validate(raw)["data"]["root"] == "data/mnist"


def test_yaml_exponents_without_a_dot_are_numbers(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump(BASE).replace("learning_rate: 0.1", "learning_rate: 1e-3"))
    assert load_config(path)["optimizer"]["learning_rate"] == 1e-3


def test_overrides_replace_seed_and_device_and_are_checked(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump(BASE))
    config = load_config(path, {"seed": 7, "device": "cpu"})
    assert config["seed"] == 7 and config["device"] == "cpu"
    assert load_config(path, {"seed": None})["seed"] == 0
    with pytest.raises(ConfigError, match=r"run\.yaml: seed must be >= 0, got -3"):
        load_config(path, {"seed": -3})


def test_a_file_problem_names_the_file(tmp_path):
    with pytest.raises(ConfigError, match="missing.yaml: no such config file"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("data: [unclosed\n")
    with pytest.raises(ConfigError, match="bad.yaml: not valid YAML"):
        load_config(bad)
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    with pytest.raises(ConfigError, match="empty.yaml: a config must be a mapping"):
        load_config(empty)
    aliased = tmp_path / "aliased.yaml"
    aliased.write_text("data: &d {name: digits}\nmodel: *d\n")
    with pytest.raises(ConfigError, match=r"aliased.yaml: line 1: anchors and aliases \(&name, \*name\) are not accepted"):
        load_config(aliased)


def test_the_yaml_bounds_are_keyword_arguments_with_defaults(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("a: {b: {c: 1}}\nwhen: 2024-01-01\n")
    assert read_yaml(path, ConfigError, "rubric") == {"a": {"b": {"c": 1}}, "when": "2024-01-01"}
    with pytest.raises(ConfigError, match="r.yaml: line 1: nested more than 2 levels deep"):
        read_yaml(path, ConfigError, "rubric", max_depth=2)
    with pytest.raises(ConfigError, match="r.yaml: cannot be read as a rubric file: larger than 0 KB"):
        read_yaml(path, ConfigError, "rubric", max_bytes=10)
