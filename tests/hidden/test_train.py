"""Hidden tests of the training loops and predict: recorded runs on drawn problems, replayed step by step."""
import numpy as np
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.training import (predict_numpy_model, predict_recorded, train_numpy_recorded,
                                    train_torch_recorded)
from tests.hidden.strategies import gaussian, seeds
from tests.public.helpers import Recording


@st.composite
def problems(draw):
    """A small classification problem, an initial linear model and the loop's settings."""
    n, n_val, d, c = draw(st.integers(1, 12)), draw(st.integers(1, 5)), draw(st.integers(1, 4)), draw(st.integers(2, 4))
    seed = draw(seeds())
    rng = np.random.default_rng(seed)
    return {
        "X_train": gaussian(seed, n, d), "y_train": rng.integers(0, c, n),
        "X_val": gaussian(seed + 1, n_val, d) + 10.0, "y_val": rng.integers(0, c, n_val),  # far from every X_train row
        "W": gaussian(seed + 2, d, c, scale=0.5), "b": gaussian(seed + 3, c, scale=0.1),
        "epochs": draw(st.integers(1, 3)), "batch_size": draw(st.integers(1, 6)),
        "lr": draw(st.floats(0.01, 1.0)), "seed": draw(st.integers(0, 1000)),
    }


def run_numpy(impl, p, **kwargs):
    data = [p["X_train"], p["y_train"], p["X_val"], p["y_val"]]
    got = impl.probe(train_numpy_recorded, p["W"], p["b"], data, p["epochs"], p["batch_size"], p["lr"],
                     seed=p["seed"], **kwargs)
    return got, Recording(got, p["X_train"], p["y_train"], p["X_val"], numpy_model=True, fn="train_numpy")


def run_torch(impl, p, features=np.float32, labels=np.int64, **kwargs):
    data = [p["X_train"].astype(features), p["y_train"].astype(labels), p["X_val"].astype(features),
            p["y_val"].astype(labels)]
    got = impl.probe(train_torch_recorded, p["W"].T.astype(np.float32), p["b"].astype(np.float32), data,
                     p["epochs"], p["batch_size"], p["lr"], seed=p["seed"], **kwargs)
    return got, Recording(got, p["X_train"], p["y_train"], p["X_val"], numpy_model=False, fn="train_torch")


def check_torch_replay(rec, p, scale=1.0):
    """Checks a recorded train_torch run against a replay: every epoch's batches, every step, the History."""
    per_epoch = rec.check_epochs(len(p["X_train"]), p["batch_size"], p["epochs"])
    rec.check_steps({"linear.weight": p["W"].T, "linear.bias": p["b"]}, p["lr"], reveal=False, scale=scale)
    rec.check_history(p["epochs"], per_epoch, p["X_val"], p["y_val"], torch_model=True, reveal=False)


@weight(3)
@given(p=problems())
def test_train_numpy_matches_a_replay_of_its_steps(impl, p):
    """numpy training loop matches a replay of its steps."""
    _, rec = run_numpy(impl, p)
    per_epoch = rec.check_epochs(len(p["X_train"]), p["batch_size"], p["epochs"])
    rec.check_steps({"W": p["W"], "b": p["b"]}, p["lr"], reveal=False)
    assert all(call["mode"] != "train" for call in rec.validations), "train_numpy validated in train mode"
    rec.check_history(p["epochs"], per_epoch, p["X_val"], p["y_val"], torch_model=False, reveal=False)


@weight(3)
@given(p=problems(), features=st.sampled_from([np.float32, np.float64]))
def test_train_torch_matches_a_replay_of_its_steps(impl, p, features):
    """torch training loop matches a replay of its steps."""
    _, rec = run_torch(impl, p, features=features)
    check_torch_replay(rec, p)


@weight(2)
@given(p=problems())
def test_train_torch_validates_in_eval_mode_without_gradients(impl, p):
    """torch training loop validates in eval mode without gradients."""
    _, rec = run_torch(impl, p)
    assert sum(len(call["x"]) for call in rec.validations) >= p["epochs"] * len(p["X_val"]), (
        "train_torch did not evaluate the whole validation set every epoch")
    for call in rec.validations:
        assert not call["training"], "train_torch ran validation in train mode"
        assert not call["grad_enabled"], "train_torch computed gradients during validation"
        assert len(call["x"]) <= p["batch_size"], "train_torch validated more than batch_size samples at once"
    assert all(step["training"] for step in rec.steps), "train_torch took a training step in eval mode"


@weight(1)
@given(p=problems())
def test_train_torch_trains_a_model_handed_over_in_eval_mode_in_train_mode(impl, p):
    """torch training loop trains a model handed over in eval mode in train mode.

    train_torch sets train mode at every epoch's training phase, whatever mode the model came in."""
    _, rec = run_torch(impl, p, start_in_eval=True)
    rec.check_epochs(len(p["X_train"]), p["batch_size"], p["epochs"])
    assert all(step["training"] for step in rec.steps), \
        "train_torch trained a model that came in eval mode without model.train()"


@weight(1)
@given(p=problems(), labels=st.sampled_from([np.int32, np.int16]))
def test_train_torch_turns_labels_of_any_integer_dtype_into_int64(impl, p, labels):
    """torch training loop turns labels of any integer dtype into int64.

    Labels stored as int32 or int16 reach loss_fn as int64 tensors, in training and in validation."""
    _, rec = run_torch(impl, p, labels=labels)
    check_torch_replay(rec, p)


@weight(2)
@given(p=problems())
def test_train_loops_shuffle_epoch_e_with_seed_plus_e(impl, p):
    """numpy and torch training loops shuffle epoch e with seed + e.

    Epoch e of either loop trains on the batches of generate_batched_data(..., shuffle=True, seed=seed + e)."""
    n = len(p["X_train"])
    orders = [impl.call("utils.data:generate_batched_data", p["X_train"], np.arange(n), p["batch_size"],
                        shuffle=True, seed=p["seed"] + e)[1] for e in range(p["epochs"])]
    want = [np.asarray(batch).tolist() for batches in orders for batch in batches]
    for run in (run_numpy, run_torch):
        _, rec = run(impl, p)
        rec.check_epochs(n, p["batch_size"], p["epochs"])
        assert [np.asarray(s["idx"]).tolist() for s in rec.steps] == want, (
            f"{rec.fn}: epoch e does not train on the batches of "
            "generate_batched_data(X_train, y_train, batch_size, shuffle=True, seed=seed + e)")


def _fixed_problem():
    rng = np.random.default_rng(5)
    return {"X_train": rng.standard_normal((9, 3)), "y_train": rng.integers(0, 3, 9),
            "X_val": rng.standard_normal((4, 3)) + 10.0, "y_val": rng.integers(0, 3, 4),
            "W": 0.5 * rng.standard_normal((3, 3)), "b": np.zeros(3), "epochs": 3, "batch_size": 2, "lr": 0.3,
            "seed": 0}


@weight(1)
def test_train_loops_are_reproducible_with_the_same_seed(impl):
    """numpy and torch training loops are reproducible with the same seed."""
    p = _fixed_problem()
    for run in (run_numpy, run_torch):
        first, _ = run(impl, p)
        second, _ = run(impl, p)
        for name in ("train_loss", "train_acc", "val_loss", "val_acc"):
            checks.close(np.asarray(second["history"][name]), first["history"][name], f"History.{name} of a second run",
                         reveal=False)
        for name, value in first["final"].items():
            checks.close(second["final"][name], value, f"the final {name} of a second run with the same seed",
                         reveal=False)


@weight(1)
def test_train_torch_shows_a_progress_bar_only_when_asked(impl):
    """torch training loop shows a progress bar only when asked."""
    p = _fixed_problem()
    quiet, _ = run_torch(impl, p)
    loud, rec = run_torch(impl, p, progress=True, device="auto")
    assert loud["stderr"].strip(), "train_torch(progress=True) showed no progress bar (tqdm writes to stderr)"
    assert not quiet["stderr"].strip(), "train_torch(progress=False) wrote to stderr"
    for name in ("train_loss", "val_loss", "val_acc"):
        checks.allclose(np.asarray(loud["history"][name]), quiet["history"][name], f"History.{name} with progress=True",
                        reveal=False, hint="the progress bar must not change the training")
    rec.check_epochs(len(p["X_train"]), p["batch_size"], p["epochs"])


@weight(2)
@given(n=st.integers(1, 20), batch_size=st.integers(1, 8), train_mode=st.booleans(), seed=seeds(),
       features=st.sampled_from([np.float32, np.float64]))
def test_predict_runs_batches_in_eval_mode_without_gradients(impl, n, batch_size, train_mode, seed, features):
    """torch predict runs batches in eval mode without gradients."""
    X = gaussian(seed, n, 3).astype(features)
    W, b = gaussian(seed + 1, 4, 3).astype(np.float32), gaussian(seed + 2, 4).astype(np.float32)
    got = impl.probe(predict_recorded, W, b, X, batch_size, train_mode)
    labels = checks.array(got["labels"], "predict(model, X)", shape=(n,), kind="iu")
    scores = X.astype(np.float64) @ W.T.astype(np.float64) + b
    top2 = np.sort(scores, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 1e-4  # float32 rounding may flip near-ties
    assert np.array_equal(labels[clear], scores.argmax(axis=1)[clear]), "predict is not the argmax of the outputs"
    seen = 0
    for call in got["calls"]:
        assert not call["training"], "predict ran the model in train mode"
        assert not call["grad_enabled"], "predict computed gradients"
        assert len(call["x"]) <= batch_size, "predict passed more than batch_size samples at once"
        seen += len(call["x"])
    assert seen == n, "predict did not run every sample through the model exactly once"
    assert got["training_after"] == train_mode, "predict did not restore the model's training flag"


@weight(1)
@given(n=st.integers(1, 10), seed=seeds())
def test_predict_of_a_numpy_model_is_its_own_predict(impl, n, seed):
    """numpy model's own predict is what predict returns."""
    X = gaussian(seed, n, 4)
    W, b = gaussian(seed + 1, 4, 3), gaussian(seed + 2, 3)
    labels = checks.array(impl.probe(predict_numpy_model, W, b, X), "predict(numpy_model, X)", shape=(n,), kind="iu")
    assert np.array_equal(labels, (X @ W + b).argmax(axis=1)), "predict(numpy_model, X) is not model.predict(X)"


@weight(1)
@given(p=problems())
def test_train_numpy_reads_grad_l1_before_an_update_that_changes_the_gradients(impl, p):
    """numpy training loop reads grad_l1 before an update that changes the gradients.

    With an optimizer whose update first halves the gradients in place (as gradient clipping changes them),
    every step follows that update and grad_l1 holds the gradients forward computed, read before the update."""
    _, rec = run_numpy(impl, p, scale=0.5)
    per_epoch = rec.check_epochs(len(p["X_train"]), p["batch_size"], p["epochs"])
    rec.check_steps({"W": p["W"], "b": p["b"]}, p["lr"], reveal=False, scale=0.5)
    rec.check_history(p["epochs"], per_epoch, p["X_val"], p["y_val"], torch_model=False, reveal=False)


@weight(1)
@given(p=problems())
def test_train_torch_resets_stale_gradients_and_reads_grad_l1_before_a_step_that_changes_them(impl, p):
    """torch training loop resets stale gradients and reads grad_l1 before a step that changes them.

    A model handed over with stale gradients, and an optimizer whose step first halves every p.grad in place:
    every step uses its own batch's gradient alone (reset before the first backward too), and grad_l1 holds the
    gradients read just before the step."""
    _, rec = run_torch(impl, p, scale=0.5, stale_grads=True)
    check_torch_replay(rec, p, scale=0.5)
