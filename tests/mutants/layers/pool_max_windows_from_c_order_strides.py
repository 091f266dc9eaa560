"""maxpool2d_forward building its windows with as_strided and strides computed from the shape (C order only)."""
TARGET = "layers/pool.py"


def maxpool2d_forward(x, kernel_size=2, stride=None):
    k = kernel_size
    s = k if stride is None else stride
    N, C, H, W = x.shape
    if k > H or k > W:
        raise ValueError("the pooling window does not fit the input")
    H_out, W_out = (H - k) // s + 1, (W - k) // s + 1
    b = x.itemsize
    windows = np.lib.stride_tricks.as_strided(
        x, (N, C, H_out, W_out, k, k), (C * H * W * b, H * W * b, s * W * b, s * b, W * b, b), writeable=False)
    flat = windows.reshape(N, C, H_out, W_out, k * k)
    first_max = flat.argmax(axis=-1)
    out = np.take_along_axis(flat, first_max[..., None], axis=-1)[..., 0]
    return out, (x.shape, k, s, first_max)
