"""load_mnist1d leaves Python's and numpy's global random state where mnist1d's generator seeded it."""
TARGET = "utils/data.py"
REPLACE = [("        random.setstate(py_state)\n        np.random.set_state(np_state)\n", "        pass\n")]
