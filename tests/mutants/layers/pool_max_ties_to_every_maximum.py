"""maxpool2d_backward sends the gradient to every input equal to the window's maximum, not only the first."""
TARGET = "layers/pool.py"


def maxpool2d_forward(x, kernel_size=2, stride=None):
    k = kernel_size
    s = k if stride is None else stride
    windows = sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::s, ::s]
    out = windows.max(axis=(4, 5))
    return out, (x, k, s, out)


def maxpool2d_backward(dout, cache):
    x, k, s, out = cache
    H_out, W_out = dout.shape[2:]
    dx = np.zeros(x.shape)
    for i in range(k):
        for j in range(k):
            window_part = x[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s] += np.where(window_part == out, dout, 0)
    return dx
