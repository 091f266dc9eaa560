"""make_spirals always draws three classes."""
TARGET = "utils/data.py"
REPLACE = [
    ("    for k in range(n_classes):\n"
     "        t = np.linspace(4.0 * k",
     "    for k in range(3):\n"
     "        t = np.linspace(4.0 * k"),
]
