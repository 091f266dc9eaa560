"""make_spirals places the points at (r cos t, r sin t) instead of (r sin t, r cos t)."""
TARGET = "utils/data.py"
REPLACE = [
    ("np.stack([r * np.sin(t), r * np.cos(t)], axis=1)", "np.stack([r * np.cos(t), r * np.sin(t)], axis=1)"),
]
