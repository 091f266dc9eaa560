"""numerical_gradient with forward differences (f(x + h) - f(x)) / h instead of centered ones."""
TARGET = "utils/gradcheck.py"
REPLACE = [
    ("    grad = np.zeros(x.shape)\n",
     "    grad = np.zeros(x.shape)\n"
     "    base = np.array(f(x), dtype=np.float64)\n"),
    ("        x[i] = old - h\n"
     "        minus = np.array(f(x), dtype=np.float64)\n",
     "        minus = base\n"),
    ("grad[i] = np.sum(diff) / (2.0 * h)", "grad[i] = np.sum(diff) / h"),
]
