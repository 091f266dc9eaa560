"""maxpool2d_backward gives a tie to the last maximum of the window instead of the first."""
TARGET = "layers/pool.py"


def maxpool2d_forward(x, kernel_size=2, stride=None):
    k = kernel_size
    s = k if stride is None else stride
    windows = sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::s, ::s]
    flat = windows.reshape(*windows.shape[:4], k * k)
    last_max = k * k - 1 - flat[..., ::-1].argmax(axis=-1)
    return flat.max(axis=-1), (x.shape, k, s, last_max)
