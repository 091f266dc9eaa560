"""maxpool2d_backward assigns (=) instead of adding (+=), so overlapping windows overwrite each other."""
TARGET = "layers/pool.py"
REPLACE = [
    ("+= np.where(first_max == i * k + j, dout, 0)",
     "= np.where(first_max == i * k + j, dout, dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s])"),
]
