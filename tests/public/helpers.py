"""Helpers shared by test files: residual-block references, recorded training runs, PNG checks, data files.

The public tests use them, and so do hidden tests of the same modules.
"""
import gzip
import io
import pickle
import struct

import numpy as np

from grader.testkit import checks
from grader.testkit.probes.numpy_layers import lines_run


# ---- layers/residual.py ----
BLOCK = "layers.residual:ResidualBlock"
ACTIVATIONS = {  # on torch tensors, through their methods: a test file that needs no torch does not import it
    "sigmoid": lambda t: t.sigmoid(),
    "tanh": lambda t: t.tanh(),
    "relu": lambda t: t.relu(),
    "leaky_relu": lambda t: t.where(t > 0, 0.1 * t),
    "silu": lambda t: t * t.sigmoid(),
    "gaussian": lambda t: (-t * t).exp(),
}


def block_parts(shapes, dim, hidden_dim):
    """Returns the names of a ResidualBlock's parameters by role: {"fc1", "fc2", "norm"} -> (weight, bias) or None.

    shapes: the parameter shapes by name. The Linear layers are told apart by
    their weight shapes (hidden_dim != dim); any other weight is the BatchNorm's.
    """
    prefixes = [name[:-len("weight")] for name in shapes if name.endswith("weight")]

    def linear(shape):
        found = [p for p in prefixes if list(shapes[p + "weight"]) == list(shape)]
        assert len(found) == 1, f"ResidualBlock({dim}, {hidden_dim}) should have one nn.Linear with weight {shape}"
        assert found[0] + "bias" in shapes, f"the nn.Linear {found[0]!r} of ResidualBlock should have a bias"
        return found[0] + "weight", found[0] + "bias"

    fc1, fc2 = linear((hidden_dim, dim)), linear((dim, hidden_dim))
    others = [p for p in prefixes if p + "weight" not in (fc1[0], fc2[0])]
    norm = (others[0] + "weight", others[0] + "bias") if others else None
    return {"fc1": fc1, "fc2": fc2, "norm": norm}


def block_reference(x, dout, params, dim, hidden_dim, activation, norm, train=True):
    """Returns (out, dx) of x + fc2(act(fc1(pre(x)))) computed with torch in float64 from the probed parameters."""
    import torch

    from grader.testkit.probes.torch_modules import backward

    parts = block_parts({k: np.shape(v) for k, v in params.items()}, dim, hidden_dim)
    if norm:
        assert parts["norm"] is not None, "ResidualBlock(..., norm=True) should hold a BatchNorm(dim)"
    t = {k: torch.tensor(np.asarray(v, dtype=np.float64)) for k, v in params.items()}
    act = ACTIVATIONS[activation]
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    if norm:
        mean = xt.mean(dim=0) if train else torch.zeros(dim, dtype=torch.float64)
        var = xt.var(dim=0, unbiased=False) if train else torch.ones(dim, dtype=torch.float64)
        pre = (xt - mean) / torch.sqrt(var + 1e-5) * t[parts["norm"][0]] + t[parts["norm"][1]]
    else:
        pre = act(xt)
    hidden = act(pre @ t[parts["fc1"][0]].T + t[parts["fc1"][1]])
    out = xt + hidden @ t[parts["fc2"][0]].T + t[parts["fc2"][1]]
    backward(out, dout)
    return out.detach().numpy(), xt.grad.numpy()


def zero_last_layer(impl, dim, hidden_dim, activation, norm):
    """The state that loads zeros into the last Linear of ResidualBlock(dim, hidden_dim, activation, norm)."""
    from grader.testkit.probes.torch_modules import describe

    shapes = impl.probe(describe, BLOCK, [dim, hidden_dim, activation, norm])["param_shapes"]
    return {name: np.zeros(shapes[name]) for name in block_parts(shapes, dim, hidden_dim)["fc2"]}


# ---- utils/train.py ----
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

    def check_steps(self, initial, lr, reveal=True, scale=1.0):
        """Checks that each step moved the parameters by -lr times the gradient of that step's batch alone (times
        ``scale``, by which the recording optimizer multiplies the gradients first)."""
        torch_model = "W" not in initial
        compare = checks.allclose if torch_model else checks.close
        for name, value in initial.items():
            compare(self.steps[0]["params"][name], value, f"{name} at the first step", reveal=reveal,
                    hint="the loop must start from the model's own parameters")
        for k, step in enumerate(self.steps):
            grads = step["grads"]
            after = self.steps[k + 1]["params"] if k + 1 < len(self.steps) else self.final
            for name, before in step["params"].items():
                want = np.asarray(before, dtype=np.float64) - lr * scale * np.asarray(grads[name], dtype=np.float64)
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
                weighted = per_batch @ sizes / sizes.sum()
                got = checks.number(h[name][e], f"History.{name}[{e}]")
                assert abs(got - weighted) <= 1e-5 * (1 + abs(weighted)), (
                    f"History.{name}[{e}] is {got:.6f}; expected the mean of the epoch's batch values weighted "
                    "by the batch sizes (the mean over the epoch's samples; the last batch may be smaller)"
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


# ---- utils/plot.py ----
HISTORY = {"train_loss": [2.0, 1.2, 0.8], "train_acc": [0.3, 0.6, 0.75],
           "val_loss": [2.1, 1.4, 1.1], "val_acc": [0.25, 0.5, 0.6]}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def assert_png(found, what, max_bytes=16 << 20, max_side=4096):
    """Checks that the file a plot probe found (``{"kind", "size", "data"}``, see
    ``grader.testkit.probes.utils.plot_curves``) is a PNG image, from its size and first 33 bytes alone, before any
    decoder reads it; returns its bytes.

    The file: regular (not a link), at most ``max_bytes``; then the PNG
    signature and an IHDR chunk whose width and height lie in [1, max_side], so
    that decoding it cannot take more than max_side**2 pixels of memory.
    """
    assert found["kind"] != "link", f"{what} wrote a link; save the figure itself"
    assert found["kind"] == "file", f"{what} wrote no file at the path it was given"
    size = found["size"]
    assert size <= max_bytes, (f"{what} wrote a file of {size:,} bytes; a plot is a PNG of well under "
                               f"{max_bytes >> 20} MB (lower the figure size or dpi)")
    data = bytes(np.asarray(found["data"], dtype=np.uint8))
    head = data[:33]  # signature (8), IHDR length (4), "IHDR" (4), width, height (4 each), 5 more bytes, CRC
    assert head.startswith(PNG_MAGIC) and len(head) > len(PNG_MAGIC), \
        f"{what} wrote a file that is not a PNG image (save the figure with format='png')"
    assert len(head) == 33 and head[12:16] == b"IHDR" and struct.unpack(">I", head[8:12])[0] == 13, \
        f"{what} wrote a PNG file without a valid IHDR header (save the figure with format='png')"
    width, height = struct.unpack(">II", head[16:24])
    assert 0 < width <= max_side and 0 < height <= max_side, \
        f"{what} wrote a {width}x{height} PNG image; a plot is at most {max_side}x{max_side} pixels (lower the dpi)"
    return data


# ---- utils/data.py ----
def write_idx(path, array, gz=False):
    """Writes uint8 ``array`` to ``path`` in the IDX format (gzipped when ``gz``); returns the path."""
    array = np.asarray(array, dtype=np.uint8)
    raw = bytes([0, 0, 8, array.ndim]) + b"".join(struct.pack(">I", n) for n in array.shape) + array.tobytes()
    path.write_bytes(gzip.compress(raw) if gz else raw)
    return path


class _Py2Pickler(pickle._Pickler):
    """Writes bytes the way Python 2 wrote str, as the real CIFAR-10 batches do: they load as bytes
    with ``encoding="bytes"`` and as str with ``encoding="latin1"``, so either way of reading works."""

    dispatch = dict(pickle._Pickler.dispatch)

    def save_py2_str(self, obj):
        self.write(pickle.BINSTRING + struct.pack("<i", len(obj)) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_py2_str


def write_cifar_batch(path, data, labels):
    """Writes a CIFAR-10 python batch ``{b"data": data, b"labels": labels}`` to ``path``; returns the path."""
    return write_pickle(path, {b"data": np.asarray(data, dtype=np.uint8), b"labels": [int(v) for v in labels]})


def write_pickle(path, obj):
    """Pickles ``obj`` into ``path`` as Python 2 would; returns the path."""
    buf = io.BytesIO()
    _Py2Pickler(buf, protocol=2).dump(obj)
    path.write_bytes(buf.getvalue())
    return path


def assert_vectorized(impl, module: str, name: str, make) -> None:
    """Checks SPEC's rule that ``name_forward`` and ``name_backward`` run no Python loop over the batch or over
    output positions: the lines of student code they run must not grow from a small input to one with four
    times the batch and four times the output positions. ``make(n, size)`` returns (args, dout, kwargs)."""
    small = impl.probe(lines_run, module, name, *make(2, 2))
    large = impl.probe(lines_run, module, name, *make(8, 4))
    for phase in ("forward", "backward"):
        assert large[phase] <= small[phase] + 3, (
            f"{name}_{phase} runs {large[phase]} lines of your code for a batch of 8 with 4x the output "
            f"positions, but {small[phase]} for a batch of 2: remove the Python loop over the batch or over the "
            "output positions (vectorize with numpy; a loop over the kernel offsets is fine)")
