"""conv2d_backward allocating dx like x (np.zeros_like): uint8 images get an integer, wrapped-around dx."""
TARGET = "layers/conv.py"
REPLACE = [("    return out.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3), (x.shape, w, stride, pad, cols)\n",
            "    return out.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3), (x, w, stride, pad, cols)\n"),
           ("    (N, C, H, W), w, stride, pad, cols = cache\n",
            "    x, w, stride, pad, cols = cache\n    N, C, H, W = x.shape\n"),
           ("    dx_pad = np.zeros((C, N, H + 2 * pad, W + 2 * pad), dtype=cols.dtype)\n",
            "    dx_pad = np.zeros((C, N, H + 2 * pad, W + 2 * pad), dtype=x.dtype)\n")]
