"""maxpool2d_backward sends the gradient to every input equal to the window's maximum, not only the first."""
TARGET = "layers/pool.py"
REPLACE = [
    ("return out, (x.shape, k, s, first_max)", "return out, (x.shape, k, s, flat == out[..., None])"),
    ("np.where(first_max == i * k + j, dout, 0)", "np.where(first_max[..., i * k + j], dout, 0)"),
]
