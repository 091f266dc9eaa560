"""maxpool2d_backward allocating dx like x (np.zeros_like(x)): integer images cannot hold the gradient."""
TARGET = "layers/pool.py"
REPLACE = [("    return out, (x.shape, k, s, first_max)\n", "    return out, (x, k, s, first_max)\n"),
           ("    x_shape, k, s, first_max = cache\n", "    x, k, s, first_max = cache\n"),
           ("    dx = np.zeros(x_shape, dtype=dout.dtype)\n", "    dx = np.zeros_like(x)\n")]
