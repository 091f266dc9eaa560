"""Public tests of the training loops and predict in utils/train.py, on a 10-sample problem.

The loops train small linear classifiers defined by the grader, which record
every call of their forward pass: the inputs, train or eval mode, whether
gradients were on, and the parameters at that moment. The tests below replay
each recorded step on its own, in numpy, and compare.
"""
import numpy as np
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.training import (predict_numpy_model, predict_recorded, train_numpy_recorded,
                                    train_torch_recorded)
from tests.public.helpers import Recording

RNG = np.random.default_rng(0)
X_TRAIN = RNG.standard_normal((10, 3))
Y_TRAIN = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
X_VAL = RNG.standard_normal((5, 3))
Y_VAL = np.array([2, 1, 0, 1, 2])
W0 = 0.5 * RNG.standard_normal((3, 3))
B0 = np.array([0.1, -0.2, 0.0])
EPOCHS, BATCH, LR = 2, 4, 0.5  # batches of 4, 4 and 2 samples per epoch


def run_numpy(impl, epochs=EPOCHS, batch_size=BATCH, seed=0):
    data = [X_TRAIN, Y_TRAIN, X_VAL, Y_VAL]
    got = impl.probe(train_numpy_recorded, W0, B0, data, epochs, batch_size, LR, seed=seed)
    return Recording(got, X_TRAIN, Y_TRAIN, X_VAL, numpy_model=True, fn="train_numpy")


def run_torch(impl, epochs=EPOCHS, batch_size=BATCH, features=np.float32, seed=0):
    data = [X_TRAIN.astype(features), Y_TRAIN, X_VAL.astype(features), Y_VAL]
    got = impl.probe(train_torch_recorded, W0.T.astype(np.float32), B0.astype(np.float32), data, epochs,
                     batch_size, LR, seed=seed)
    return Recording(got, X_TRAIN, Y_TRAIN, X_VAL, numpy_model=False, fn="train_torch")


def check_weighted_train_means(rec, epochs, per_epoch):
    """Checks that History.train_loss[e] and train_acc[e] weight each batch's value by its size."""
    for e in range(epochs):
        steps = rec.steps[e * per_epoch:(e + 1) * per_epoch]
        sizes = np.array([len(s["idx"]) for s in steps], dtype=np.float64)
        for key, name in (("loss", "train_loss"), ("accuracy", "train_acc")):
            per_batch = np.array([s[key] for s in steps])
            checks.allclose(checks.number(rec.history[name][e], f"History.{name}[{e}]"),
                            per_batch @ sizes / sizes.sum(), f"History.{name}[{e}] ({rec.fn}, batches of 4, 4, 2)",
                            hint="weight each batch's value by its number of samples and divide by the epoch's "
                                 "sample count; a plain mean of the batch values overweights the smaller last batch")


def check_epoch_order(impl, rec, seed, epochs=EPOCHS):
    """Checks that epoch e trains on the mini-batches of generate_batched_data(..., shuffle=True, seed=seed + e)."""
    per_epoch = rec.check_epochs(len(X_TRAIN), BATCH, epochs)
    for e in range(epochs):
        _, yb = impl.call("utils.data:generate_batched_data", X_TRAIN, np.arange(len(X_TRAIN)), BATCH,
                          shuffle=True, seed=seed + e)
        got = [np.asarray(s["idx"]).tolist() for s in rec.steps[e * per_epoch:(e + 1) * per_epoch]]
        want = [np.asarray(b).tolist() for b in yb]
        assert got == want, (
            f"{rec.fn}(seed={seed}): the batches of epoch {e + 1} (sample indices {got}) are not those of "
            f"generate_batched_data(X_train, y_train, batch_size, shuffle=True, seed={seed + e}) ({want}); "
            "epoch e shuffles with seed + e")


TORCH_INITIAL = {"linear.weight": W0.T, "linear.bias": B0}


@weight(1)
def test_train_numpy_returns_one_history_entry_per_epoch(impl):
    """numpy training loop returns one history entry per epoch."""
    rec = run_numpy(impl, epochs=3)
    for name in ("train_loss", "train_acc", "val_loss", "val_acc"):
        assert len(rec.history[name]) == 3, f"History.{name} has {len(rec.history[name])} entries after 3 epochs"


@weight(1)
def test_train_numpy_visits_every_training_sample_once_per_epoch(impl):
    """numpy training loop visits every training sample once per epoch."""
    run_numpy(impl).check_epochs(len(X_TRAIN), BATCH, EPOCHS)


@weight(2)
def test_train_numpy_steps_follow_gradient_descent_batch_by_batch(impl):
    """numpy training loop steps follow gradient descent batch by batch."""
    rec = run_numpy(impl)
    rec.check_epochs(len(X_TRAIN), BATCH, EPOCHS)
    rec.check_steps({"W": W0, "b": B0}, LR)


@weight(1)
def test_train_numpy_validates_each_epoch_outside_train_mode(impl):
    """numpy training loop validates each epoch outside train mode."""
    rec = run_numpy(impl)
    assert rec.validations, "train_numpy never evaluated the validation set"
    for call in rec.validations:
        assert call["mode"] != "train", (
            "train_numpy evaluated the validation set with mode='train'; "
            "use mode='valid' so that no gradients are kept")
    per_epoch = rec.check_epochs(len(X_TRAIN), BATCH, EPOCHS)
    rec.check_history(EPOCHS, per_epoch, X_VAL, Y_VAL, torch_model=False)


@weight(1)
def test_train_numpy_averages_batch_values_weighted_by_batch_size(impl):
    """numpy training loop averages batch values weighted by batch size.

    History.train_loss and train_acc of each epoch are the mean over its samples, not over its batches."""
    rec = run_numpy(impl)
    check_weighted_train_means(rec, EPOCHS, rec.check_epochs(len(X_TRAIN), BATCH, EPOCHS))


@weight(1)
def test_train_numpy_shuffles_epoch_e_with_seed_plus_e(impl):
    """numpy training loop shuffles epoch e with seed + e.

    Epoch e trains on the batches of generate_batched_data(X, y, batch_size, shuffle=True, seed=seed + e)."""
    check_epoch_order(impl, run_numpy(impl, seed=5), seed=5)


@weight(1)
def test_train_torch_returns_one_history_entry_per_epoch(impl):
    """torch training loop returns one history entry per epoch."""
    rec = run_torch(impl, epochs=3)
    for name in ("train_loss", "train_acc", "val_loss", "val_acc"):
        assert len(rec.history[name]) == 3, f"History.{name} has {len(rec.history[name])} entries after 3 epochs"


@weight(1)
def test_train_torch_visits_every_training_sample_once_per_epoch(impl):
    """torch training loop visits every training sample once per epoch."""
    run_torch(impl).check_epochs(len(X_TRAIN), BATCH, EPOCHS)


@weight(2)
def test_train_torch_resets_gradients_before_every_step(impl):
    """torch training loop resets gradients before every step."""
    rec = run_torch(impl)
    rec.check_epochs(len(X_TRAIN), BATCH, EPOCHS)
    rec.check_steps(TORCH_INITIAL, LR)


@weight(1)
def test_train_torch_validates_in_eval_mode_without_gradients(impl):
    """torch training loop validates in eval mode without gradients."""
    rec = run_torch(impl)
    assert rec.validations, "train_torch never evaluated the validation set"
    for call in rec.validations:
        assert not call["training"], "train_torch ran validation in train mode; call model.eval() first"
        assert not call["grad_enabled"], "train_torch computed gradients during validation; use torch.no_grad()"
    for step in rec.steps:
        assert step["training"], "train_torch trained in eval mode; call model.train() at each epoch's start"


@weight(1)
def test_train_torch_records_losses_accuracies_and_grad_l1(impl):
    """torch training loop records losses, accuracies and grad_l1."""
    rec = run_torch(impl)
    per_epoch = rec.check_epochs(len(X_TRAIN), BATCH, EPOCHS)
    rec.check_history(EPOCHS, per_epoch, X_VAL, Y_VAL, torch_model=True)


@weight(1)
def test_train_torch_averages_batch_values_weighted_by_batch_size(impl):
    """torch training loop averages batch values weighted by batch size.

    History.train_loss and train_acc of each epoch are the mean over its samples, not over its batches."""
    rec = run_torch(impl)
    check_weighted_train_means(rec, EPOCHS, rec.check_epochs(len(X_TRAIN), BATCH, EPOCHS))


@weight(1)
def test_train_torch_shuffles_epoch_e_with_seed_plus_e(impl):
    """torch training loop shuffles epoch e with seed + e.

    Epoch e trains on the batches of generate_batched_data(X, y, batch_size, shuffle=True, seed=seed + e)."""
    check_epoch_order(impl, run_torch(impl, seed=5), seed=5)


@weight(1)
def test_train_torch_trains_on_float64_features_as_float32(impl):
    """torch training loop trains on float64 features as on float32.

    float64 features (what the loaders and normalize return) train a float32 model like float32 features do."""
    rec = run_torch(impl, features=np.float64)
    per_epoch = rec.check_epochs(len(X_TRAIN), BATCH, EPOCHS)
    rec.check_steps(TORCH_INITIAL, LR)
    rec.check_history(EPOCHS, per_epoch, X_VAL, Y_VAL, torch_model=True)


@weight(1)
def test_predict_returns_argmax_labels_in_eval_mode_batch_by_batch(impl):
    """torch predict returns argmax labels in eval mode, batch by batch."""
    X = X_TRAIN.astype(np.float32)
    got = impl.probe(predict_recorded, W0.T.astype(np.float32), B0.astype(np.float32), X, 4, True)
    labels = checks.array(got["labels"], "predict(model, X, batch_size=4)", shape=(len(X),), kind="iu")
    want = (X_TRAIN @ W0 + B0).argmax(axis=1)
    assert labels.tolist() == want.tolist(), f"predict returned {labels.tolist()}; expected {want.tolist()}"
    for call in got["calls"]:
        assert not call["training"] and not call["grad_enabled"], (
            "predict must run the model in eval mode under torch.no_grad()")
        assert len(call["x"]) <= 4, "predict passed more than batch_size samples to the model at once"


@weight(1)
def test_predict_of_a_numpy_model_is_its_own_predict(impl):
    """numpy model's own predict is what predict returns."""
    got = impl.probe(predict_numpy_model, W0, B0, X_TRAIN)
    labels = checks.array(got, "predict(numpy_model, X)", shape=(len(X_TRAIN),), kind="iu")
    want = (X_TRAIN @ W0 + B0).argmax(axis=1)
    assert labels.tolist() == want.tolist(), f"predict returned {labels.tolist()}; expected {want.tolist()}"


@weight(1)
def test_predict_restores_the_models_training_flag(impl):
    """torch predict restores the model's training flag.

    predict puts a model that was in train mode back in train mode, and leaves an eval-mode model in eval mode."""
    X = X_TRAIN.astype(np.float32)
    for train_mode in (True, False):
        got = impl.probe(predict_recorded, W0.T.astype(np.float32), B0.astype(np.float32), X, 4, train_mode)
        assert got["training_after"] == train_mode, (
            f"a model in {'train' if train_mode else 'eval'} mode came back from predict in "
            f"{'train' if got['training_after'] else 'eval'} mode; remember model.training before model.eval() "
            "and call model.train(was_training) at the end")


@weight(1)
def test_predict_accepts_float64_features(impl):
    """torch predict accepts float64 features.

    predict converts float64 features to float32 tensors before running a float32 model."""
    got = impl.probe(predict_recorded, W0.T.astype(np.float32), B0.astype(np.float32), X_TRAIN, 4, False)
    labels = checks.array(got["labels"], "predict(model, X) for float64 X", shape=(len(X_TRAIN),), kind="iu")
    want = (X_TRAIN @ W0 + B0).argmax(axis=1)
    assert labels.tolist() == want.tolist(), (
        f"predict returned {labels.tolist()} for float64 X; expected {want.tolist()} "
        "(convert X with torch.as_tensor(X, dtype=torch.float32))")
