"""Hidden tests of utils/data.py: drawn file contents and sizes, corrupt files, seeds, batching properties."""
import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.grading.datasets import MNIST1D_SEEDS, TRUSTED
from grader.testkit import checks
from grader.testkit.probes.generic import call_keeping_global_rngs
from grader.testkit.probes.utils import raised_message
from tests.hidden.helpers import check_global_rngs_untouched
from tests.hidden.strategies import gaussian, seeds
from tests.public.helpers import write_cifar_batch, write_idx, write_pickle

MOD = "utils.data"
MNIST_NAMES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
               "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
_MNIST1D = {}


def mnist1d(impl, seed):
    """load_mnist1d(seed) of the implementation, called once per module for each seed (generating takes seconds),
    through ``call_keeping_global_rngs``: ``{"out", "untouched"}``, the data and whether Python's and numpy's global
    random states are as they were."""
    if seed not in _MNIST1D:
        _MNIST1D[seed] = impl.probe(call_keeping_global_rngs, f"{MOD}:load_mnist1d", seed=seed)
    return _MNIST1D[seed]


@weight(2)
def test_load_mnist1d_gives_the_standard_split_of_40_sample_signals(impl):
    X_train, y_train, X_test, y_test = mnist1d(impl, 42)["out"]
    checks.array(X_train, "load_mnist1d X_train", shape=(4000, 40))
    checks.array(X_test, "load_mnist1d X_test", shape=(1000, 40))
    for what, y, n in (("y_train", y_train, 4000), ("y_test", y_test, 1000)):
        checks.array(y, f"load_mnist1d {what}", shape=(n,), kind="iu")
        assert set(np.unique(y).tolist()) == set(range(10)), f"load_mnist1d {what} should hold the 10 classes 0-9"


@weight(1)
def test_load_mnist1d_is_reproducible_and_depends_on_the_seed(impl):
    """load_mnist1d is reproducible and depends on the seed.

    Each seed gives its own dataset, the same on every call: load_mnist1d(7), called after load_mnist1d(42), is
    the standard dataset of seed 7 (the grader's own generation)."""
    first, other = mnist1d(impl, 42)["out"], mnist1d(impl, MNIST1D_SEEDS[1])["out"]
    same = np.shape(other[0]) == np.shape(first[0]) and np.allclose(other[0], first[0])
    assert not same, "load_mnist1d gives the same data for seeds 7 and 42: the seed must reach the generator"
    reference = TRUSTED.load_mnist1d(MNIST1D_SEEDS[1])
    for k, name in enumerate(("X_train", "y_train", "X_test", "y_test")):
        checks.close(other[k], reference[k], f"load_mnist1d(seed={MNIST1D_SEEDS[1]}) {name}", reveal=False,
                     hint="the seed must reach the generator (args.seed = seed), and nothing may change between "
                          "calls: the same seed gives the same data")


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
    if corruption in ("count over 2**24", "sizes over 2**24"):
        # the data of 2 images of 4x3, under a header whose size fields (big-endian uint32) have their top byte set
        fields = (0,) if corruption == "count over 2**24" else (1, 2)
        raw = bytearray(image_path.read_bytes())
        for i in fields:
            raw[4 + 4 * i] = 1
        image_path.write_bytes(bytes(raw))
        return image_path.name
    if corruption == "bad gzip":
        image_path.unlink()
        (root / "train-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b this is not gzip data")
        return image_path.name + ".gz"
    write_idx(root / "train-labels-idx1-ubyte", [1, 2, 3])  # "count": three labels for two images
    return label_path.name


@weight(1)
@pytest.mark.parametrize("corruption", ["magic", "truncated", "short header", "count over 2**24",
                                        "sizes over 2**24", "bad gzip", "count"])
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


@weight(1)
def test_load_digits_gives_float64_pixels_and_int64_labels(impl):
    """load_digits returns X as float64 and y as int64, flattened or not."""
    for flatten in (True, False):
        X, y = impl.call(f"{MOD}:load_digits", flatten=flatten)
        assert X.dtype == np.float64, f"load_digits(flatten={flatten}) X should be float64"
        assert y.dtype == np.int64, f"load_digits(flatten={flatten}) y should be int64"


@weight(1)
def test_load_mnist1d_is_the_standard_dataset_for_its_seed(impl):
    """load_mnist1d(42) is mnist1d's make_dataset with default arguments and seed 42: float64 signals, int64 labels."""
    got = mnist1d(impl, 42)["out"]
    reference = TRUSTED.load_mnist1d(42)  # the grader's own generation, kept on disk once per machine
    for k, name in enumerate(("X_train", "y_train", "X_test", "y_test")):
        dtype = np.float64 if name.startswith("X") else np.int64
        assert got[k].dtype == dtype, f"load_mnist1d {name} should be {np.dtype(dtype).name}"
        checks.close(got[k], reference[k], f"load_mnist1d {name}", reveal=False,
                     hint="return mnist1d.data.make_dataset(args) with the default args and args.seed = seed, "
                          "at the dataset's own scale")


@weight(1)
@pytest.mark.parametrize("flatten", [True, False])
def test_load_mnist_gives_float32_pixels_and_int64_labels(impl, tmp_path, flatten):
    """load_mnist returns X as float32 (to halve the memory) and y as int64."""
    write_idx(tmp_path / "train-images-idx3-ubyte", np.arange(2 * 3 * 4).reshape(2, 3, 4))
    write_idx(tmp_path / "train-labels-idx1-ubyte", [3, 1])
    X, y = impl.call(f"{MOD}:load_mnist", str(tmp_path), flatten=flatten)
    assert X.dtype == np.float32, f"load_mnist(flatten={flatten}) X should be float32"
    assert y.dtype == np.int64, "load_mnist y should be int64"


@weight(1)
@pytest.mark.parametrize("split", ["train", "test"])
def test_load_mnist_prefers_the_plain_file_when_both_exist(impl, tmp_path, split):
    """With both a plain and a gzipped copy of a file, load_mnist reads the plain one."""
    plain_images = np.full((2, 2, 2), 200, dtype=np.uint8)
    for name, plain, zipped in zip(MNIST_NAMES[split], (plain_images, [4, 5]), (np.zeros((3, 2, 2)), [7, 7, 7])):
        write_idx(tmp_path / name, plain)
        write_idx(tmp_path / (name + ".gz"), zipped, gz=True)
    X, y = impl.call(f"{MOD}:load_mnist", str(tmp_path), split=split)
    checks.allclose(X, plain_images.reshape(2, 4) / 255.0, "load_mnist X with both a plain and a .gz file",
                    rtol=1e-6, atol=1e-7, reveal=False, hint="use the plain file when both exist")
    assert np.array_equal(y, [4, 5]), "load_mnist should read the plain labels file when both exist"


@weight(1)
def test_load_cifar10_gives_float32_pixels_and_int64_labels(impl, tmp_path):
    """load_cifar10 returns X as float32 and y as int64."""
    write_cifar_batch(tmp_path / "test_batch", np.arange(2 * 3072).reshape(2, 3072) % 256, [3, 8])
    X, y = impl.call(f"{MOD}:load_cifar10", str(tmp_path), split="test")
    assert X.dtype == np.float32, "load_cifar10 X should be float32"
    assert y.dtype == np.int64, "load_cifar10 y should be int64"


@weight(1)
def test_load_cifar10_looks_in_root_before_the_nested_folder(impl, tmp_path):
    """When root and root/cifar-10-batches-py both hold the batches, load_cifar10 reads those in root."""
    write_cifar_batch(tmp_path / "test_batch", np.full((1, 3072), 255), [1])
    nested = tmp_path / "cifar-10-batches-py"
    nested.mkdir()
    write_cifar_batch(nested / "test_batch", np.zeros((2, 3072)), [2, 2])
    X, y = impl.call(f"{MOD}:load_cifar10", str(tmp_path), split="test")
    checks.allclose(X, np.ones((1, 3, 32, 32)), "load_cifar10 X with batches in root and in the nested folder",
                    reveal=False, hint="look in root first, then in root/cifar-10-batches-py")
    assert np.array_equal(y, [1]), "load_cifar10 should read the batches in root first"


@weight(1)
def test_load_cifar10_names_both_folders_it_searched(impl, tmp_path):
    """The FileNotFoundError of load_cifar10 names root and root/cifar-10-batches-py."""
    got = impl.probe(raised_message, f"{MOD}:load_cifar10", str(tmp_path), split="test")
    assert got is not None and got["type"] == "FileNotFoundError", \
        f"load_cifar10 on an empty folder should raise FileNotFoundError, got {got and got['type']}"
    nested = str(tmp_path / "cifar-10-batches-py")
    assert "cifar-10-batches-py" in got["message"] and str(tmp_path) in got["message"].replace(nested, ""), \
        "the FileNotFoundError should name the folders searched: root and root/cifar-10-batches-py"


@weight(2)
@given(n=st.integers(2, 30), k=st.integers(1, 5), seed=seeds())
def test_make_spirals_without_noise_follows_the_formula(impl, n, k, seed):
    """With noise=0, class k is (r sin t, r cos t) for r = linspace(0, 1, n), t = linspace(4k, 4(k+1), n)."""
    X, y = impl.call(f"{MOD}:make_spirals", n, n_classes=k, noise=0.0, seed=seed % 1000)
    r = np.tile(np.linspace(0.0, 1.0, n), k)
    t = np.concatenate([np.linspace(4.0 * c, 4.0 * (c + 1), n) for c in range(k)])
    checks.close(X, np.stack([r * np.sin(t), r * np.cos(t)], axis=1), "make_spirals(noise=0) X", atol=1e-12,
                 reveal=False, hint="points (r sin t, r cos t), one class after the other")
    assert X.dtype == np.float64, "make_spirals X should be float64"
    assert y.dtype == np.int64 and np.array_equal(y, np.repeat(np.arange(k), n)), \
        "make_spirals y should be int64 labels 0, ..., 0, 1, ..., 1, ... in class order"


def _angle_noise(X, n, k):
    """The angle of each point minus its noise-free angle, wrapped to (-pi, pi], without the points at r = 0."""
    t = np.concatenate([np.linspace(4.0 * c, 4.0 * (c + 1), n) for c in range(k)])
    residual = np.angle(np.exp(1j * (np.arctan2(X[:, 0], X[:, 1]) - t)))
    return residual.reshape(k, n)[:, 1:].ravel()


@weight(1)
@pytest.mark.parametrize("noise, seed", [(0.05, 3), (0.3, 3), (0.3, None)])
def test_make_spirals_adds_angle_noise_of_the_given_scale(impl, noise, seed):
    """make_spirals adds angle noise of the given scale.

    Each angle gets noise * a standard normal draw: the residuals have mean 0 and standard deviation noise, with
    a seed or without (seed=None draws fresh noise, of the same law)."""
    n, k = 301, 4
    X, _ = impl.call(f"{MOD}:make_spirals", n, n_classes=k, noise=noise, seed=seed)
    radii = np.linalg.norm(checks.array(X, "make_spirals X", shape=(n * k, 2)), axis=1)
    checks.close(radii, np.tile(np.linspace(0.0, 1.0, n), k), "the radii of make_spirals points", tol=1e-8,
                 atol=1e-12, reveal=False, hint="noise moves the angle only: r = linspace(0, 1, n_per_class)")
    residual = _angle_noise(X, n, k)
    m = residual.size  # 1200 draws: the mean has standard error noise / 35, the std about noise / 49
    assert abs(residual.mean()) < 6 * noise / np.sqrt(m) and abs(residual.std() / noise - 1) < 0.2, \
        "make_spirals angles do not carry noise * standard normal draws"


@weight(1)
def test_make_spirals_defaults_are_three_classes_noise_and_seed_zero(impl):
    """make_spirals(n) draws 3 classes with noise 0.2 and seed 0."""
    X, y = impl.call(f"{MOD}:make_spirals", 301)
    checks.array(X, "make_spirals(301) X", shape=(903, 2))
    assert np.array_equal(y, np.repeat(np.arange(3), 301)), "make_spirals draws 3 classes by default"
    X0, _ = impl.call(f"{MOD}:make_spirals", 301, n_classes=3, noise=0.2, seed=0)
    checks.close(X, X0, "make_spirals(301) against make_spirals(301, 3, noise=0.2, seed=0)", reveal=False,
                 hint="the defaults are n_classes=3, noise=0.2, seed=0")


@weight(1)
def test_make_spirals_with_seed_none_draws_fresh_noise(impl):
    """make_spirals(seed=None) gives different points on each call."""
    a, _ = impl.call(f"{MOD}:make_spirals", 50, seed=None)
    b, _ = impl.call(f"{MOD}:make_spirals", 50, seed=None)
    assert not np.allclose(a, b), "make_spirals(seed=None) gave the same points twice; None means fresh randomness"


@weight(1)
@pytest.mark.parametrize("fraction", [0.0, -0.5, 1.01, 2.0])
def test_train_val_split_rejects_fractions_outside_zero_one(impl, fraction):
    """train_val_split raises ValueError unless 0 < train_fraction <= 1."""
    got = impl.raised(f"{MOD}:train_val_split", np.zeros((10, 2)), np.zeros(10, dtype=np.int64), fraction)
    assert got == "ValueError", f"train_val_split with train_fraction={fraction} should raise ValueError, got {got}"


@weight(1)
def test_train_val_split_with_fraction_one_keeps_everything_for_training(impl):
    """train_fraction=1 is valid: every sample trains, the validation set is empty; the labels are not modified."""
    X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    got = impl.call_keeping_inputs(f"{MOD}:train_val_split", X.copy(), y.copy(), 1.0)
    X_train, y_train, X_val, y_val = got["out"]
    checks.close(X_train, X, "train_val_split(train_fraction=1) X_train", reveal=False)
    assert np.array_equal(y_train, y) and len(X_val) == 0 and len(y_val) == 0, \
        "train_val_split(train_fraction=1) should keep every sample for training"
    checks.unchanged(X, got["args_after"][0], "X passed to train_val_split")
    checks.unchanged(y, got["args_after"][1], "y passed to train_val_split")


@weight(1)
@given(shape=st.lists(st.integers(1, 3), min_size=1, max_size=3), n=st.integers(2, 6), seed=seeds())
def test_normalize_standardizes_every_entry_of_nd_samples(impl, shape, n, seed):
    """For samples (N, d1, ...), every entry is standardized with its own training mean and std."""
    rng = np.random.default_rng(seed)
    X_train = 3.0 + 2.0 * rng.standard_normal((n, *shape))
    X_train.reshape(n, -1)[:, 0] = 4.0  # one constant entry
    X_val = rng.standard_normal((2, *shape))
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    got = impl.call_keeping_inputs(f"{MOD}:normalize", X_train.copy(), X_val.copy())
    checks.close(got["out"][0], (X_train - mean) / std, "normalize of (N, d1, ...) samples", tol=1e-6,
                 reveal=False, hint="take the mean and std over the samples (axis 0) only")
    checks.close(got["out"][1], (X_val - mean) / std, "normalize of a validation set of (N, d1, ...) samples",
                 tol=1e-6, reveal=False)
    checks.unchanged(X_train, got["args_after"][0], "X_train passed to normalize")
    checks.unchanged(X_val, got["args_after"][1], "X_val passed to normalize")


@weight(1)
def test_normalize_of_the_training_set_alone_returns_a_tuple_of_one(impl):
    """normalize(X_train) returns a tuple holding one array, like every other call."""
    got = impl.call(f"{MOD}:normalize", np.array([[1.0, 2.0], [3.0, 6.0]]))
    assert isinstance(got, list) and len(got) == 1, \
        "normalize(X_train) should return a tuple of one array (unpack it with X_train, = normalize(X_train))"
    checks.close(got[0], [[-1.0, -1.0], [1.0, 1.0]], "normalize(X_train)[0]", reveal=False)


@weight(1)
@given(n=st.integers(1, 20), batch_size=st.integers(1, 8), shuffle=st.booleans(), seed=st.integers(0, 5))
def test_generate_batched_data_leaves_its_inputs_unchanged(impl, n, batch_size, shuffle, seed):
    """generate_batched_data modifies neither X nor y in place."""
    X, y = gaussian(seed, n, 3), np.arange(n)[::-1].copy()
    got = impl.call_keeping_inputs(f"{MOD}:generate_batched_data", X.copy(), y.copy(), batch_size, shuffle=shuffle,
                                   seed=seed)
    checks.unchanged(X, got["args_after"][0], "X passed to generate_batched_data")
    checks.unchanged(y, got["args_after"][1], "y passed to generate_batched_data")


@weight(1)
def test_generate_batched_data_with_seed_none_draws_a_fresh_order(impl):
    """shuffle=True with seed=None gives a different order on each call."""
    X, y = np.arange(60.0).reshape(30, 2), np.arange(30)
    orders = []
    for _ in range(2):
        xb, yb = impl.call(f"{MOD}:generate_batched_data", X, y, 7, shuffle=True)
        assert [len(b) for b in yb] == [7, 7, 7, 7, 2], \
            "generate_batched_data(shuffle=True, seed=None): batches of batch_size, the last one smaller"
        ys = np.concatenate(yb)
        assert sorted(ys.tolist()) == list(range(30)), \
            "generate_batched_data(shuffle=True, seed=None) should give every sample exactly once"
        checks.close(np.concatenate(xb), X[ys], "generate_batched_data(shuffle=True, seed=None): x batches against "
                     "their labels", reveal=False, hint="index X and y with the same permutation, seed or no seed")
        orders.append(ys.tolist())
    assert orders[0] != orders[1], "generate_batched_data(shuffle=True, seed=None) gave the same order twice"


@weight(1)
@pytest.mark.parametrize("split", ["train", "test"])
def test_load_mnist_reads_idx_files_that_hold_no_images(impl, tmp_path, split):
    """IDX files announcing 0 images and 0 labels (a header and no data) load as empty arrays."""
    write_idx(tmp_path / MNIST_NAMES[split][0], np.zeros((0, 3, 2)))
    write_idx(tmp_path / MNIST_NAMES[split][1], np.zeros(0))
    X, y = impl.call(f"{MOD}:load_mnist", str(tmp_path), split=split, flatten=False)
    checks.array(X, "load_mnist X of an empty split", shape=(0, 1, 3, 2))
    checks.array(y, "load_mnist y of an empty split", shape=(0,), kind="iu")


@weight(1)
def test_load_mnist1d_restores_the_global_random_states(impl):
    """The generator seeds Python's and numpy's global random state: load_mnist1d puts both back as they were."""
    got = mnist1d(impl, 42)
    assert got["untouched"], ("load_mnist1d should leave Python's and numpy's global random state as it found "
                              "them\n  hint: save random.getstate() and np.random.get_state() before make_dataset "
                              "and restore them after")


@weight(1)
@pytest.mark.parametrize("name, args, kwargs", [
    ("make_spirals", [20], {"seed": 3}),
    ("make_spirals", [20], {"seed": 0}),
    ("generate_batched_data", [np.arange(40.0).reshape(20, 2), np.arange(20), 6], {"shuffle": True, "seed": 3}),
], ids=["spirals", "spirals_seed_0", "batches"])
def test_seeded_data_functions_leave_the_global_random_states_alone(impl, name, args, kwargs):
    """seeded data functions leave the global random states alone.

    Given a seed, make_spirals and generate_batched_data draw from their own Generator: Python's, numpy's and
    torch's global random states are as they were."""
    check_global_rngs_untouched(impl, f"{MOD}:{name}", args, kwargs, what=f"{name}(..., seed={kwargs['seed']})")


@weight(1)
def test_normalize_takes_integer_pixels(impl):
    """uint8 images normalize to floating arrays with the statistics of their values."""
    rng = np.random.default_rng(8)
    X_train, X_val = rng.integers(0, 256, (6, 2, 3)).astype(np.uint8), rng.integers(0, 256, (3, 2, 3)).astype(np.uint8)
    X_train[:, 0, 0] = 7  # a constant entry
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    got = impl.call(f"{MOD}:normalize", X_train, X_val)
    assert isinstance(got, list) and len(got) == 2, "normalize should return one array per input"
    for k, (out, X) in enumerate(zip(got, (X_train, X_val))):
        checks.close(checks.array(out, f"normalize of uint8 images (array {k})", shape=X.shape), (X - mean) / std,
                     f"normalize of uint8 images (array {k})", tol=1e-6, reveal=False,
                     hint="compute in floating point: (X - mean) / std as a new array, not in place in X's dtype")
