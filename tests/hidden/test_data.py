"""Hidden tests of utils/data.py: drawn file contents and sizes, corrupt files, seeds, batching properties."""
import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.utils import raised_message
from tests.hidden.strategies import gaussian, seeds
from tests.public.helpers import write_cifar_batch, write_idx, write_pickle

MOD = "utils.data"
MNIST_NAMES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
               "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
_MNIST1D = {}


def mnist1d(impl, seed, call=0):
    """load_mnist1d(seed) of the implementation, generated once per (seed, call) for the module: it takes seconds."""
    if (seed, call) not in _MNIST1D:
        _MNIST1D[seed, call] = impl.call(f"{MOD}:load_mnist1d", seed=seed)
    return _MNIST1D[seed, call]


@weight(2)
def test_load_mnist1d_gives_the_standard_split_of_40_sample_signals(impl):
    X_train, y_train, X_test, y_test = mnist1d(impl, 42)
    checks.array(X_train, "load_mnist1d X_train", shape=(4000, 40))
    checks.array(X_test, "load_mnist1d X_test", shape=(1000, 40))
    for what, y, n in (("y_train", y_train, 4000), ("y_test", y_test, 1000)):
        checks.array(y, f"load_mnist1d {what}", shape=(n,), kind="iu")
        assert set(np.unique(y).tolist()) == set(range(10)), f"load_mnist1d {what} should hold the 10 classes 0-9"


@weight(1)
def test_load_mnist1d_is_reproducible_and_depends_on_the_seed(impl):
    first, again, other = mnist1d(impl, 42), mnist1d(impl, 42, call=1), mnist1d(impl, 7)
    checks.close(again[0], first[0], "load_mnist1d(seed=42) called twice", reveal=False)
    assert np.array_equal(again[1], first[1]), "load_mnist1d(seed=42) labels differ between two calls"
    assert not np.allclose(other[0], first[0]), "load_mnist1d gives the same data for seeds 7 and 42"


@weight(1)
@pytest.mark.parametrize("flatten", [True, False])
def test_load_digits_matches_scikit_learn(impl, flatten):
    from sklearn.datasets import load_digits
    digits = load_digits()
    X, y = impl.call(f"{MOD}:load_digits", flatten=flatten)
    shape = (1797, 64) if flatten else (1797, 1, 8, 8)
    checks.close(X, (digits.data / 16.0).reshape(shape), f"load_digits(flatten={flatten}) X", reveal=False)
    assert np.array_equal(checks.array(y, "load_digits y", shape=(1797,), kind="iu"), digits.target), \
        "load_digits y differs from the scikit-learn labels"


@weight(2)
@given(n=st.integers(1, 6), h=st.integers(1, 7), w=st.integers(1, 7), split=st.sampled_from(["train", "test"]),
       gz=st.tuples(st.booleans(), st.booleans()), flatten=st.booleans(), seed=seeds())
def test_load_mnist_reads_any_idx_files(impl, n, h, w, split, gz, flatten, seed):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, h, w), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    root = impl.scratch()
    for name, array, zipped in zip(MNIST_NAMES[split], (images, labels), gz):
        write_idx(root / (name + (".gz" if zipped else "")), array, gz=zipped)
    X, y = impl.call(f"{MOD}:load_mnist", str(root), split=split, flatten=flatten)
    expected = images.reshape(n, h * w) if flatten else images[:, None]
    checks.allclose(X, expected / 255.0, "load_mnist X", rtol=1e-6, atol=1e-7, reveal=False,
                    hint="read the sizes from the header, divide the bytes by 255")
    assert np.array_equal(checks.array(y, "load_mnist y", shape=(n,), kind="iu"), labels), "load_mnist y is wrong"


def _mnist_case(root, corruption):
    """Writes a train split into ``root`` with one corruption; returns the name of the corrupt file."""
    images = np.arange(2 * 4 * 3, dtype=np.uint8).reshape(2, 4, 3)
    image_path = write_idx(root / "train-images-idx3-ubyte", images)
    label_path = write_idx(root / "train-labels-idx1-ubyte", [1, 2])
    if corruption == "magic":
        label_path.write_bytes(b"\x00\x00\x08\x03" + label_path.read_bytes()[4:])
        return label_path.name
    if corruption == "truncated":
        image_path.write_bytes(image_path.read_bytes()[:-5])
        return image_path.name
    if corruption == "short header":
        image_path.write_bytes(image_path.read_bytes()[:10])
        return image_path.name
    if corruption == "bad gzip":
        image_path.unlink()
        (root / "train-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b this is not gzip data")
        return image_path.name + ".gz"
    write_idx(root / "train-labels-idx1-ubyte", [1, 2, 3])  # "count": three labels for two images
    return label_path.name


@weight(1)
@pytest.mark.parametrize("corruption", ["magic", "truncated", "short header", "bad gzip", "count"])
def test_load_mnist_raises_value_error_naming_a_corrupt_file(impl, tmp_path, corruption):
    name = _mnist_case(tmp_path, corruption)
    got = impl.probe(raised_message, f"{MOD}:load_mnist", str(tmp_path))
    assert got is not None and got["type"] == "ValueError", \
        f"load_mnist on a corrupt IDX file ({corruption}) should raise ValueError, got {got and got['type']}"
    assert name in got["message"], f"the ValueError for a corrupt IDX file ({corruption}) should name the file"


@weight(1)
@pytest.mark.parametrize("split", ["train", "test"])
def test_load_mnist_names_every_missing_file_and_the_folder(impl, tmp_path, split):
    got = impl.probe(raised_message, f"{MOD}:load_mnist", str(tmp_path), split=split)
    assert got is not None and got["type"] == "FileNotFoundError", \
        f"load_mnist on an empty folder should raise FileNotFoundError, got {got and got['type']}"
    for name in MNIST_NAMES[split]:
        assert name in got["message"], "the FileNotFoundError should name every missing file"
    assert str(tmp_path) in got["message"], "the FileNotFoundError should name the folder it looked in"


@weight(2)
@given(sizes=st.lists(st.integers(1, 3), min_size=5, max_size=5), nested=st.booleans(),
       split=st.sampled_from(["train", "test"]), seed=seeds())
def test_load_cifar10_reads_any_batches(impl, sizes, nested, split, seed):
    rng = np.random.default_rng(seed)
    names = [f"data_batch_{i}" for i in range(1, 6)] if split == "train" else ["test_batch"]
    data = [rng.integers(0, 256, size=(n, 3072)) for n in sizes[:len(names)]]
    labels = [rng.integers(0, 10, size=n) for n in sizes[:len(names)]]
    root = impl.scratch()
    folder = root / "cifar-10-batches-py" if nested else root
    folder.mkdir(exist_ok=True)
    for name, d, y in zip(names, data, labels):
        write_cifar_batch(folder / name, d, y)
    X, y = impl.call(f"{MOD}:load_cifar10", str(root), split=split)
    expected = np.concatenate(data).reshape(-1, 3, 32, 32) / 255.0
    checks.allclose(X, expected, "load_cifar10 X", rtol=1e-6, atol=1e-7, reveal=False,
                    hint="reshape each row to (3, 32, 32): channels first, then rows, then columns")
    assert np.array_equal(checks.array(y, "load_cifar10 y", shape=(len(expected),), kind="iu"),
                          np.concatenate(labels)), "load_cifar10 y is wrong"


CIFAR_CORRUPTIONS = {
    "a list": [1, 2, 3],
    "no labels": {b"data": np.zeros((2, 3072), dtype=np.uint8)},
    "short rows": {b"data": np.zeros((2, 3000), dtype=np.uint8), b"labels": [0, 1]},
    "too few labels": {b"data": np.zeros((2, 3072), dtype=np.uint8), b"labels": [0]},
}


@weight(1)
@pytest.mark.parametrize("corruption", [*CIFAR_CORRUPTIONS, "not a pickle"])
def test_load_cifar10_raises_value_error_naming_a_corrupt_batch(impl, tmp_path, corruption):
    for i in (1, 2, 4, 5):
        write_cifar_batch(tmp_path / f"data_batch_{i}", np.zeros((1, 3072)), [0])
    if corruption == "not a pickle":
        (tmp_path / "data_batch_3").write_bytes(b"\x80\x02}q\x00(U\x04data")
    else:
        write_pickle(tmp_path / "data_batch_3", CIFAR_CORRUPTIONS[corruption])
    got = impl.probe(raised_message, f"{MOD}:load_cifar10", str(tmp_path))
    assert got is not None and got["type"] == "ValueError", \
        f"load_cifar10 on a corrupt batch ({corruption}) should raise ValueError, got {got and got['type']}"
    assert "data_batch_3" in got["message"], f"the ValueError for a corrupt batch ({corruption}) should name it"


@weight(1)
def test_load_cifar10_names_a_missing_training_batch(impl, tmp_path):
    for i in (1, 2, 3, 5):
        write_cifar_batch(tmp_path / f"data_batch_{i}", np.zeros((1, 3072)), [0])
    got = impl.probe(raised_message, f"{MOD}:load_cifar10", str(tmp_path))
    assert got is not None and got["type"] == "FileNotFoundError" and "data_batch_4" in got["message"], \
        "load_cifar10 without data_batch_4 should raise FileNotFoundError naming it"


@weight(2)
@given(n=st.integers(1, 30), k=st.integers(1, 5), noise=st.floats(0.05, 1.0), seed=st.integers(0, 3))
def test_make_spirals_is_balanced_and_reproducible_for_every_seed(impl, n, k, noise, seed):
    X, y = impl.call(f"{MOD}:make_spirals", n, n_classes=k, noise=noise, seed=seed)
    checks.array(X, "make_spirals X", shape=(n * k, 2))
    checks.array(y, "make_spirals y", shape=(n * k,), kind="iu")
    assert np.bincount(y, minlength=k).tolist() == [n] * k, "make_spirals should give n_per_class points per class"
    X2, y2 = impl.call(f"{MOD}:make_spirals", n, n_classes=k, noise=noise, seed=seed)
    checks.close(X2, X, "make_spirals called twice with one seed", reveal=False, hint="seed=0 is a valid seed")
    assert np.array_equal(y2, y), "make_spirals labels differ for one seed"


@weight(1)
def test_make_spirals_depends_on_the_seed(impl):
    a, _ = impl.call(f"{MOD}:make_spirals", 50, seed=0)
    b, _ = impl.call(f"{MOD}:make_spirals", 50, seed=1)
    assert not np.allclose(a, b), "make_spirals gives the same points for seeds 0 and 1"


@weight(2)
@given(n=st.integers(1, 40), fraction=st.floats(0.05, 1.0), seed=seeds())
def test_train_val_split_is_a_prefix_and_the_rest(impl, n, fraction, seed):
    X = gaussian(seed, n, 3)
    y = np.arange(n)
    got = impl.call_keeping_inputs(f"{MOD}:train_val_split", X.copy(), y.copy(), fraction)
    X_train, y_train, X_val, y_val = got["out"]
    n_train = len(checks.array(y_train, "train_val_split y_train", kind="iu"))
    assert n_train == int(n * fraction), \
        "train_val_split does not put the first int(N * train_fraction) samples in the training set"
    checks.close(X_train, X[:n_train], "train_val_split X_train", reveal=False,
                 hint="take the first samples, without shuffling")
    checks.close(X_val, X[n_train:], "train_val_split X_val", reveal=False)
    assert np.array_equal(y_train, y[:n_train]) and np.array_equal(y_val, y[n_train:]), \
        "train_val_split labels do not follow their samples"
    checks.unchanged(X, got["args_after"][0], "X passed to train_val_split")


@st.composite
def normalize_inputs(draw):
    """(X_train, [others...]): columns of varied scale and offset, some constant (integer values)."""
    n, d, seed = draw(st.integers(2, 8)), draw(st.integers(1, 5)), draw(seeds())
    rng = np.random.default_rng(seed)
    scale, offset = rng.uniform(0.5, 10.0, size=d), rng.uniform(-20.0, 20.0, size=d)
    X_train = offset + scale * rng.standard_normal((n, d))
    constant = rng.random(d) < 0.3
    X_train[:, constant] = rng.integers(-5, 6, size=int(constant.sum()))
    others = [offset + 2 * scale * rng.standard_normal((draw(st.integers(1, 5)), d)) + 3
              for _ in range(draw(st.integers(1, 2)))]
    return X_train, others


@weight(2)
@given(inputs=normalize_inputs())
def test_normalize_standardizes_with_training_statistics_only(impl, inputs):
    X_train, others = inputs
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    got = impl.call_keeping_inputs(f"{MOD}:normalize", X_train.copy(), *[o.copy() for o in others])
    assert isinstance(got["out"], list) and len(got["out"]) == 1 + len(others), \
        "normalize should return one array per input"
    checks.close(got["out"][0], (X_train - mean) / std, "normalize: the training set", tol=1e-6, reveal=False,
                 hint="constant columns are centered, not divided by 0")
    for k, other in enumerate(others):
        checks.close(got["out"][k + 1], (other - mean) / std, "normalize: a validation set", tol=1e-6,
                     reveal=False, hint="use the training mean and std for every set")
    for before, after in zip([X_train, *others], got["args_after"]):
        checks.unchanged(before, after, "an array passed to normalize")


@weight(2)
@given(n=st.integers(1, 30), batch_size=st.integers(1, 12), shuffle=st.booleans(), seed=st.integers(0, 5))
def test_generate_batched_data_covers_every_pair_once(impl, n, batch_size, shuffle, seed):
    X = np.arange(n * 6, dtype=np.float64).reshape(n, 2, 3)
    y = np.arange(n)
    xb, yb = impl.call(f"{MOD}:generate_batched_data", X, y, batch_size, shuffle=shuffle, seed=seed)
    sizes = [len(b) for b in yb]
    expected_sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    assert sizes == expected_sizes, "batch sizes are wrong: all full but the last, which may be smaller"
    ys = np.concatenate(yb)
    assert sorted(ys.tolist()) == list(range(n)), "every sample should appear exactly once"
    checks.close(np.concatenate(xb), X[ys], "x batches against their labels", reveal=False,
                 hint="index X and y with the same permutation")
    if not shuffle:
        assert ys.tolist() == list(range(n)), "shuffle=False should keep the order"
    else:
        _, yb2 = impl.call(f"{MOD}:generate_batched_data", X, y, batch_size, shuffle=True, seed=seed)
        assert np.array_equal(np.concatenate(yb2), ys), "the same seed should give the same order (seed=0 too)"


@weight(1)
def test_generate_batched_data_order_depends_on_the_seed(impl):
    X, y = np.arange(60.0).reshape(30, 2), np.arange(30)
    orders = [np.concatenate(impl.call(f"{MOD}:generate_batched_data", X, y, 7, shuffle=True, seed=s)[1])
              for s in (0, 1)]
    assert orders[0].tolist() != orders[1].tolist(), "seeds 0 and 1 give the same order"
    assert orders[0].tolist() != list(range(30)), "shuffle=True with seed=0 did not shuffle"
