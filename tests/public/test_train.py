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


def run_numpy(impl, epochs=EPOCHS, batch_size=BATCH):
    data = [X_TRAIN, Y_TRAIN, X_VAL, Y_VAL]
    got = impl.probe(train_numpy_recorded, W0, B0, data, epochs, batch_size, LR, seed=0)
    return Recording(got, X_TRAIN, Y_TRAIN, X_VAL, numpy_model=True, fn="train_numpy")


def run_torch(impl, epochs=EPOCHS, batch_size=BATCH):
    data = [X_TRAIN.astype(np.float32), Y_TRAIN, X_VAL.astype(np.float32), Y_VAL]
    got = impl.probe(train_torch_recorded, W0.T.astype(np.float32), B0.astype(np.float32), data, epochs,
                     batch_size, LR, seed=0)
    return Recording(got, X_TRAIN, Y_TRAIN, X_VAL, numpy_model=False, fn="train_torch")


TORCH_INITIAL = {"linear.weight": W0.T, "linear.bias": B0}


@weight(1)
def test_train_numpy_returns_one_history_entry_per_epoch(impl):
    rec = run_numpy(impl, epochs=3)
    for name in ("train_loss", "train_acc", "val_loss", "val_acc"):
        assert len(rec.history[name]) == 3, f"History.{name} has {len(rec.history[name])} entries after 3 epochs"


@weight(1)
def test_train_numpy_visits_every_training_sample_once_per_epoch(impl):
    run_numpy(impl).check_epochs(len(X_TRAIN), BATCH, EPOCHS)


@weight(2)
def test_train_numpy_steps_follow_gradient_descent_batch_by_batch(impl):
    rec = run_numpy(impl)
    rec.check_epochs(len(X_TRAIN), BATCH, EPOCHS)
    rec.check_steps({"W": W0, "b": B0}, LR)


@weight(1)
def test_train_numpy_validates_each_epoch_outside_train_mode(impl):
    rec = run_numpy(impl)
    assert rec.validations, "train_numpy never evaluated the validation set"
    for call in rec.validations:
        assert call["mode"] != "train", (
            "train_numpy evaluated the validation set with mode='train'; "
            "use mode='valid' so that no gradients are kept")
    per_epoch = rec.check_epochs(len(X_TRAIN), BATCH, EPOCHS)
    rec.check_history(EPOCHS, per_epoch, X_VAL, Y_VAL, torch_model=False)


@weight(1)
def test_train_torch_returns_one_history_entry_per_epoch(impl):
    rec = run_torch(impl, epochs=3)
    for name in ("train_loss", "train_acc", "val_loss", "val_acc"):
        assert len(rec.history[name]) == 3, f"History.{name} has {len(rec.history[name])} entries after 3 epochs"


@weight(1)
def test_train_torch_visits_every_training_sample_once_per_epoch(impl):
    run_torch(impl).check_epochs(len(X_TRAIN), BATCH, EPOCHS)


@weight(2)
def test_train_torch_resets_gradients_before_every_step(impl):
    rec = run_torch(impl)
    rec.check_epochs(len(X_TRAIN), BATCH, EPOCHS)
    rec.check_steps(TORCH_INITIAL, LR)


@weight(1)
def test_train_torch_validates_in_eval_mode_without_gradients(impl):
    rec = run_torch(impl)
    assert rec.validations, "train_torch never evaluated the validation set"
    for call in rec.validations:
        assert not call["training"], "train_torch ran validation in train mode; call model.eval() first"
        assert not call["grad_enabled"], "train_torch computed gradients during validation; use torch.no_grad()"
    for step in rec.steps:
        assert step["training"], "train_torch trained in eval mode; call model.train() at each epoch's start"


@weight(1)
def test_train_torch_records_losses_accuracies_and_grad_l1(impl):
    rec = run_torch(impl)
    per_epoch = rec.check_epochs(len(X_TRAIN), BATCH, EPOCHS)
    rec.check_history(EPOCHS, per_epoch, X_VAL, Y_VAL, torch_model=True)


@weight(1)
def test_predict_returns_argmax_labels_in_eval_mode_batch_by_batch(impl):
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
    got = impl.probe(predict_numpy_model, W0, B0, X_TRAIN)
    labels = checks.array(got, "predict(numpy_model, X)", shape=(len(X_TRAIN),), kind="iu")
    want = (X_TRAIN @ W0 + B0).argmax(axis=1)
    assert labels.tolist() == want.tolist(), f"predict returned {labels.tolist()}; expected {want.tolist()}"
