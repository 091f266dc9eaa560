"""make_spirals adds the noise to the radius instead of the angle."""
TARGET = "utils/data.py"
REPLACE = [
    ("        t = np.linspace(4.0 * k, 4.0 * (k + 1), n_per_class) + noise * draws.standard_normal(n_per_class)\n"
     "        X.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))\n",
     "        t = np.linspace(4.0 * k, 4.0 * (k + 1), n_per_class)\n"
     "        rk = r + noise * draws.standard_normal(n_per_class)\n"
     "        X.append(np.stack([rk * np.sin(t), rk * np.cos(t)], axis=1))\n"),
]
