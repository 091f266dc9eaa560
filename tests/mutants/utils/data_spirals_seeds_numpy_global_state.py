"""make_spirals seeding numpy's global random state (np.random.seed(seed)) and drawing the noise from it."""
TARGET = "utils/data.py"


def make_spirals(n_per_class, n_classes=3, noise=0.2, seed=0):
    np.random.seed(seed)
    r = np.linspace(0.0, 1.0, n_per_class)
    X, y = [], []
    for k in range(n_classes):
        t = np.linspace(4.0 * k, 4.0 * (k + 1), n_per_class) + noise * np.random.randn(n_per_class)
        X.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        y.append(np.full(n_per_class, k, dtype=np.int64))
    return np.concatenate(X), np.concatenate(y)
