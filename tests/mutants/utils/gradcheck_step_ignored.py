"""numerical_gradient uses a hard-coded step 1e-5 instead of the h argument."""
TARGET = "utils/gradcheck.py"
REPLACE = [
    ("    grad = np.zeros(x.shape)\n",
     "    h = 1e-5\n"
     "    grad = np.zeros(x.shape)\n"),
]
