"""Public tests of the training loops and predict in utils/train.py, on a 10-sample problem.

The loops train small linear classifiers defined by the grader, which record
every call of their forward pass: the inputs, train or eval mode, whether
gradients were on, and the parameters at that moment. The tests below replay
each recorded step on its own, in numpy, and compare.
"""
import numpy as np
from gradescope_utils.autograder_utils.decorators import weight

from grader import checks
from grader.probes.training import (predict_numpy_model, predict_recorded, train_numpy_recorded,
                                    train_torch_recorded)

RNG = np.random.default_rng(0)
X_TRAIN = RNG.standard_normal((10, 3))
Y_TRAIN = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
X_VAL = RNG.standard_normal((5, 3))
Y_VAL = np.array([2, 1, 0, 1, 2])
W0 = 0.5 * RNG.standard_normal((3, 3))
B0 = np.array([0.1, -0.2, 0.0])
EPOCHS, BATCH, LR = 2, 4, 0.5  # batches of 4, 4 and 2 samples per epoch


def match_rows(x, X):
    """Returns, for each row of x, its index in X, or -1 where the row is not one of X's."""
    x2, X2 = np.asarray(x, dtype=np.float64).reshape(len(x), -1), np.asarray(X, dtype=np.float64).reshape(len(X), -1)
    if len(x2) == 0:
        return np.zeros(0, dtype=int)
    dist = np.abs(x2[:, None, :] - X2[None, :, :]).max(axis=2)
    idx = dist.argmin(axis=1)
    return np.where(dist[np.arange(len(x2)), idx] < 1e-6, idx, -1)


def linear_softmax(params, X, y):
    """Returns (loss, accuracy, gradients by name) of the mean softmax cross-entropy on a linear layer.

    params: {"W": (D, C), "b": (C,)} (the numpy model) or {"linear.weight": (C, D), "linear.bias": (C,)}.
    """
    X = np.asarray(X, dtype=np.float64)
    numpy_layout = "W" in params
    W = np.asarray(params["W"] if numpy_layout else np.asarray(params["linear.weight"]).T, dtype=np.float64)
    b = np.asarray(params["b" if numpy_layout else "linear.bias"], dtype=np.float64)
    scores = X @ W + b
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(y))
    dscores = np.exp(log_p)
    dscores[rows, y] -= 1
    dscores /= len(y)
    dW, db = X.T @ dscores, dscores.sum(axis=0)
    grads = {"W": dW, "b": db} if numpy_layout else {"linear.weight": dW.T, "linear.bias": db}
    return -log_p[rows, y].mean(), float(np.mean(scores.argmax(axis=1) == y)), grads


class Recording:
    """What a recorded training run did: its training steps and its validation calls, sorted by the data seen."""

    def __init__(self, got, X_train, y_train, X_val, numpy_model, fn):
        self.history, self.final, self.fn = got["history"], got["final"], fn
        self.steps, self.validations = [], []
        for call in got["calls"]:
            x = call["X"] if numpy_model else call["x"]
            on_train, on_val = match_rows(x, X_train), match_rows(x, X_val)
            if len(x) and (on_val >= 0).all():
                self.validations.append(call)
            elif (on_train >= 0).all():
                is_step = call["mode"] == "train" if numpy_model else call["grad_enabled"]
                if is_step:
                    params = call["weights" if numpy_model else "params"]
                    loss, accuracy, grads = linear_softmax(params, x, y_train[on_train])
                    self.steps.append({"idx": on_train, "params": params, "loss": loss, "accuracy": accuracy,
                                       "grads": grads, "training": call.get("training")})
            else:
                raise AssertionError(f"{fn} called the model on inputs that are neither training nor validation "
                                     "samples (or a mix of both); pass the data's own mini-batches")

    def check_epochs(self, n, batch_size, epochs):
        """Checks that every epoch visits every training sample once, in batches of at most batch_size."""
        per_epoch = -(-n // batch_size)
        assert len(self.steps) == epochs * per_epoch, (
            f"{self.fn} took {len(self.steps)} training steps in {epochs} epoch(s) of {n} samples with "
            f"batch_size={batch_size}; expected {epochs * per_epoch} (the last batch of an epoch may be smaller, "
            "but it must not be dropped)")
        for e in range(epochs):
            batches = [s["idx"] for s in self.steps[e * per_epoch:(e + 1) * per_epoch]]
            assert max(len(b) for b in batches) <= batch_size, f"{self.fn} used a batch larger than batch_size"
            seen = np.sort(np.concatenate(batches))
            assert np.array_equal(seen, np.arange(n)), (
                f"in epoch {e + 1}, {self.fn} did not train on every sample exactly once")
        return per_epoch

    def check_steps(self, initial, lr, reveal=True):
        """Checks that each step moved the parameters by -lr times the gradient of that step's batch alone."""
        torch_model = "W" not in initial
        compare = checks.allclose if torch_model else checks.close
        for name, value in initial.items():
            compare(self.steps[0]["params"][name], value, f"{name} at the first step", reveal=reveal,
                    hint="the loop must start from the model's own parameters")
        for k, step in enumerate(self.steps):
            grads = step["grads"]
            after = self.steps[k + 1]["params"] if k + 1 < len(self.steps) else self.final
            for name, before in step["params"].items():
                want = np.asarray(before, dtype=np.float64) - lr * grads[name]
                hint = ("reset the gradients (optimizer.zero_grad()) before every backward pass, and take one "
                        "optimizer step per batch" if torch_model else "one optimizer.update(model) per batch")
                compare(after[name], want, f"{name} after training step {k + 1}", reveal=reveal, hint=hint)

    def check_history(self, epochs, per_epoch, X_val, y_val, torch_model, reveal=True):
        """Checks History: per-epoch validation and training metrics, and grad_l1 of the first epoch."""
        compare = checks.allclose if torch_model else checks.close
        h = self.history
        for name in ("train_loss", "train_acc", "val_loss", "val_acc"):
            assert len(h[name]) == epochs, (
                f"History.{name} has {len(h[name])} entries; expected one per epoch ({epochs})")
        for e in range(epochs):
            end = self.steps[(e + 1) * per_epoch]["params"] if e + 1 < epochs else self.final
            loss, accuracy, _ = linear_softmax(end, X_val, y_val)
            compare(h["val_loss"][e], loss, f"History.val_loss[{e}]", reveal=reveal,
                    hint="the mean loss over all validation samples with the parameters at the end of the epoch")
            compare(h["val_acc"][e], accuracy, f"History.val_acc[{e}]", reveal=reveal)
            steps = self.steps[e * per_epoch:(e + 1) * per_epoch]
            sizes = np.array([len(s["idx"]) for s in steps], dtype=np.float64)
            for key, name in (("loss", "train_loss"), ("accuracy", "train_acc")):
                per_batch = np.array([s[key] for s in steps])
                weighted, plain = per_batch @ sizes / sizes.sum(), per_batch.mean()
                got = checks.number(h[name][e], f"History.{name}[{e}]")
                assert min(abs(got - weighted), abs(got - plain)) <= 1e-5 * (1 + abs(weighted)), (
                    f"History.{name}[{e}] is {got:.6f}; expected the mean of the epoch's batch values"
                    + (f" ({weighted:.6f})" if reveal else ""))
        first = self.steps[:per_epoch]
        l1 = {}
        for s in first:
            for name, g in s["grads"].items():
                l1[name] = l1.get(name, 0.0) + np.abs(g).sum() / len(first)
        assert sorted(h["grad_l1"]) == sorted(l1), (
            f"History.grad_l1 has keys {sorted(h['grad_l1'])}; expected the parameter names {sorted(l1)}")
        for name, value in l1.items():
            compare(h["grad_l1"][name], value, f"History.grad_l1[{name!r}]", reveal=reveal,
                    hint="the mean over the first epoch's steps of the sum of |gradient|")


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
