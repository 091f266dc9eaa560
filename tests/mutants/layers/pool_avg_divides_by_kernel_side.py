"""avgpool2d divides by the kernel side k instead of the window size k * k."""
TARGET = "layers/pool.py"


def avgpool2d_forward(x, kernel_size=2, stride=None):
    k = kernel_size
    s = k if stride is None else stride
    out = sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::s, ::s].sum(axis=(4, 5)) / k
    return out, (x.shape, k, s)
