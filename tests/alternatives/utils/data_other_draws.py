"""make_spirals draws all the angle noise at once, batches come from an in-place shuffled index, normalize uses divide."""
TARGET = "utils/data.py"


def make_spirals(n_per_class, n_classes=3, noise=0.2, seed=0):
    rng = np.random.default_rng(seed)
    jitter = rng.normal(0.0, 1.0, size=(n_classes, n_per_class)) * noise
    k = np.arange(n_classes)[:, None]
    step = np.linspace(0.0, 1.0, n_per_class)[None, :]
    t = 4.0 * k + 4.0 * step + jitter
    r = np.broadcast_to(step, t.shape)
    X = np.stack([(r * np.sin(t)).ravel(), (r * np.cos(t)).ravel()], axis=1)
    return X.astype(np.float64), np.repeat(np.arange(n_classes, dtype=np.int64), n_per_class)


def train_val_split(X, y, train_fraction=0.8):
    if train_fraction <= 0 or train_fraction > 1:
        raise ValueError("train_fraction must lie in (0, 1]")
    cut = int(np.floor(len(X) * train_fraction))
    return X[:cut].copy(), y[:cut].copy(), X[cut:].copy(), y[cut:].copy()


def normalize(X_train, *others):
    mean = np.mean(X_train, axis=0, keepdims=True)
    std = np.sqrt(np.mean((X_train - mean) ** 2, axis=0, keepdims=True))
    scale = np.divide(1.0, std, out=np.ones_like(std), where=std > 0)
    return tuple((X - mean) * scale for X in (X_train, *others))


def generate_batched_data(X, y, batch_size, shuffle=False, seed=None):
    index = np.arange(len(y))
    if shuffle:
        np.random.default_rng(seed).shuffle(index)
    x_batches, y_batches = [], []
    start = 0
    while start < len(index):
        chosen = index[start:start + batch_size]
        x_batches.append(np.take(X, chosen, axis=0))
        y_batches.append(np.take(y, chosen, axis=0))
        start += batch_size
    return x_batches, y_batches
