"""Public tests of utils/data.py: loaders on tiny files written here, splitting, normalizing, batching."""
import numpy as np
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.utils import raised_message
from tests.public.helpers import write_cifar_batch, write_idx

MOD = "utils.data"

# three 2x3 images whose pixels all differ, so a transposed reshape shows
IMAGES = np.array([[[0, 51, 102], [153, 204, 255]],
                   [[255, 0, 0], [0, 0, 51]],
                   [[10, 20, 30], [40, 50, 60]]], dtype=np.uint8)
LABELS = np.array([7, 0, 3], dtype=np.uint8)


@weight(1)
def test_load_digits_is_the_scikit_learn_digits_scaled_to_unit_range(impl):
    from sklearn.datasets import load_digits
    digits = load_digits()
    X, y = impl.call(f"{MOD}:load_digits")
    checks.close(X, digits.data / 16.0, "load_digits() X", hint="divide the 0..16 pixel values by 16")
    checks.array(y, "load_digits() y", shape=(1797,), kind="iu")
    assert np.array_equal(y, digits.target), "load_digits() y should be the digit labels of scikit-learn"


@weight(1)
def test_load_digits_unflattened_gives_one_channel_images(impl):
    X, _ = impl.call(f"{MOD}:load_digits", flatten=False)
    X = checks.array(X, "load_digits(flatten=False) X", shape=(1797, 1, 8, 8))
    assert X.min() == 0.0 and X.max() == 1.0, "load_digits pixels should span [0, 1]"


@weight(1)
def test_load_mnist_reads_plain_idx_files(impl, tmp_path):
    write_idx(tmp_path / "train-images-idx3-ubyte", IMAGES)
    write_idx(tmp_path / "train-labels-idx1-ubyte", LABELS)
    X, y = impl.call(f"{MOD}:load_mnist", str(tmp_path))
    checks.allclose(X, IMAGES.reshape(3, 6) / 255.0, "load_mnist X (flattened)", rtol=1e-6, atol=1e-7,
                    hint="pixels are bytes: divide by 255; flatten each image row by row")
    checks.array(y, "load_mnist y", shape=(3,), kind="iu")
    assert y.tolist() == [7, 0, 3], f"load_mnist y is {y.tolist()}; expected the labels in file order [7, 0, 3]"


@weight(1)
def test_load_mnist_reads_gzipped_test_files_as_images(impl, tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", IMAGES, gz=True)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", LABELS, gz=True)
    X, y = impl.call(f"{MOD}:load_mnist", str(tmp_path), split="test", flatten=False)
    checks.allclose(X, IMAGES[:, None] / 255.0, "load_mnist(split='test', flatten=False) X from .gz files",
                    rtol=1e-6, atol=1e-7, hint="X has shape (N, 1, H, W); open .gz files with gzip")
    assert np.array_equal(y, LABELS), "load_mnist y from .gz files is wrong"


@weight(1)
def test_load_mnist_names_the_missing_files(impl, tmp_path):
    write_idx(tmp_path / "train-images-idx3-ubyte", IMAGES)
    got = impl.probe(raised_message, f"{MOD}:load_mnist", str(tmp_path))
    assert got is not None and got["type"] == "FileNotFoundError", \
        f"load_mnist without its label file should raise FileNotFoundError, got {got}"
    assert "train-labels-idx1-ubyte" in got["message"], \
        f"the FileNotFoundError should name the missing file; its message is {got['message']!r}"


@weight(1)
def test_load_mnist_rejects_a_bad_magic_number(impl, tmp_path):
    path = write_idx(tmp_path / "train-images-idx3-ubyte", IMAGES)
    path.write_bytes(b"\x00\x00\x09" + path.read_bytes()[3:])
    write_idx(tmp_path / "train-labels-idx1-ubyte", LABELS)
    got = impl.probe(raised_message, f"{MOD}:load_mnist", str(tmp_path))
    assert got is not None and got["type"] == "ValueError" and "train-images-idx3-ubyte" in got["message"], \
        f"an images file with a wrong magic number should raise ValueError naming it, got {got}"


def _cifar_rows(n, offset=0):
    """n CIFAR rows whose red, green and blue planes and whose rows and columns all differ."""
    return (np.arange(n * 3072).reshape(n, 3072) * 7 + offset) % 256


@weight(1)
def test_load_cifar10_keeps_channels_first(impl, tmp_path):
    data = _cifar_rows(2)
    write_cifar_batch(tmp_path / "test_batch", data, [4, 9])
    X, y = impl.call(f"{MOD}:load_cifar10", str(tmp_path), split="test")
    checks.allclose(X, data.reshape(2, 3, 32, 32) / 255.0, "load_cifar10 X", rtol=1e-6, atol=1e-7,
                    hint="each row is 1024 red, 1024 green, then 1024 blue values: reshape to (N, 3, 32, 32)")
    assert np.array_equal(y, [4, 9]), "load_cifar10 y should be the batch's labels"


@weight(1)
def test_load_cifar10_concatenates_the_five_training_batches_in_order(impl, tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    for i in range(1, 6):
        write_cifar_batch(folder / f"data_batch_{i}", _cifar_rows(1, offset=i), [i])
    X, y = impl.call(f"{MOD}:load_cifar10", str(tmp_path))
    expected = np.concatenate([_cifar_rows(1, offset=i) for i in range(1, 6)]).reshape(5, 3, 32, 32) / 255.0
    checks.allclose(X, expected, "load_cifar10 X from root/cifar-10-batches-py", rtol=1e-6, atol=1e-7)
    assert y.tolist() == [1, 2, 3, 4, 5], f"load_cifar10 y is {y.tolist()}; batches 1 to 5 go in order"


@weight(1)
def test_load_cifar10_names_the_missing_batches(impl, tmp_path):
    got = impl.probe(raised_message, f"{MOD}:load_cifar10", str(tmp_path), split="test")
    assert got is not None and got["type"] == "FileNotFoundError" and "test_batch" in got["message"], \
        f"load_cifar10 on an empty folder should raise FileNotFoundError naming test_batch, got {got}"


@weight(1)
def test_make_spirals_gives_balanced_labelled_points(impl):
    X, y = impl.call(f"{MOD}:make_spirals", 5, n_classes=3)
    checks.array(X, "make_spirals(5, 3) X", shape=(15, 2))
    checks.array(y, "make_spirals(5, 3) y", shape=(15,), kind="iu")
    assert np.bincount(y, minlength=3).tolist() == [5, 5, 5], "make_spirals should give n_per_class points per class"


@weight(1)
def test_make_spirals_with_seed_zero_is_reproducible(impl):
    first = impl.call(f"{MOD}:make_spirals", 20, seed=0)
    second = impl.call(f"{MOD}:make_spirals", 20, seed=0)
    checks.close(second[0], first[0], "make_spirals(seed=0) called twice", hint="seed=0 is a valid seed")


@weight(1)
def test_train_val_split_takes_the_first_80_percent(impl):
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    X_train, y_train, X_val, y_val = impl.call(f"{MOD}:train_val_split", X, y)
    checks.close(X_train, X[:8], "train_val_split X_train", hint="no shuffling: the first 80% of the rows")
    checks.close(X_val, X[8:], "train_val_split X_val")
    assert y_train.tolist() == list(range(8)) and y_val.tolist() == [8, 9], "train_val_split labels are wrong"


@weight(1)
def test_normalize_uses_training_statistics(impl):
    X_train = np.array([[1.0, 5.0], [3.0, 5.0]])  # column 0: mean 2, std 1; column 1: constant
    X_val = np.array([[4.0, 6.0]])
    train, val = impl.call(f"{MOD}:normalize", X_train, X_val)
    checks.close(train, [[-1.0, 0.0], [1.0, 0.0]], "normalize: the training set",
                 hint="subtract the mean and divide by the standard deviation of each column")
    checks.close(val, [[2.0, 1.0]], "normalize: the validation set",
                 hint="use the training mean and std only; a constant column is centered, not divided by 0")


@weight(1)
def test_generate_batched_data_keeps_order_and_the_last_partial_batch(impl):
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    xb, yb = impl.call(f"{MOD}:generate_batched_data", X, y, 4)
    assert [len(b) for b in yb] == [4, 4, 2], f"batch sizes are {[len(b) for b in yb]}; expected [4, 4, 2]"
    checks.close(np.concatenate(xb), X, "the x batches joined", hint="shuffle=False keeps the order")
    assert np.concatenate(yb).tolist() == list(range(10)), "the y batches joined should be y"


@weight(1)
def test_generate_batched_data_shuffles_x_and_y_together(impl):
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    xb, yb = impl.call(f"{MOD}:generate_batched_data", X, y, 6, shuffle=True, seed=0)
    xs, ys = np.concatenate(xb), np.concatenate(yb)
    assert sorted(ys.tolist()) == list(range(20)), "every sample should appear exactly once"
    assert ys.tolist() != list(range(20)), "shuffle=True should change the order"
    checks.close(xs, X[ys], "x batches against their labels", hint="shuffle X and y with the same permutation")
