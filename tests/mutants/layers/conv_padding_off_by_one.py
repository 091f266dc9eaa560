"""conv2d_forward places the image one row and one column too far into the padded array."""
TARGET = "layers/conv.py"
REPLACE = [
    ("    x_pad = np.zeros((C, N, H + 2 * pad, W + 2 * pad), dtype=np.result_type(x, w))\n"
     "    x_pad[:, :, pad:pad + H, pad:pad + W] = x.transpose(1, 0, 2, 3)\n",
     "    x_pad = np.zeros((C, N, H + 2 * pad + 1, W + 2 * pad + 1), dtype=np.result_type(x, w))\n"
     "    x_pad[:, :, pad + 1:pad + 1 + H, pad + 1:pad + 1 + W] = x.transpose(1, 0, 2, 3)\n"),
    ("[:, :, ::stride, ::stride]", "[:, :, :stride * H_out:stride, :stride * W_out:stride]"),
]
