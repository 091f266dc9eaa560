"""max and average pooling that loop over the k x k kernel offsets (vectorized over images and positions)."""
TARGET = "layers/pool.py"


def _offsets(x, k, s):
    N, C, H, W = x.shape
    if H < k or W < k:
        raise ValueError("the pooling window is larger than the input")
    H_out, W_out = (H - k) // s + 1, (W - k) // s + 1
    return [x[:, :, i:i + s * (H_out - 1) + 1:s, j:j + s * (W_out - 1) + 1:s] for i in range(k) for j in range(k)]


def maxpool2d_forward(x, kernel_size=2, stride=None):
    s = kernel_size if stride is None else stride
    parts = _offsets(x, kernel_size, s)
    out = parts[0].copy()
    where = np.zeros(out.shape, dtype=np.int64)
    for index, part in enumerate(parts[1:], start=1):
        larger = part > out  # strictly larger: a tie keeps the earlier offset
        out = np.where(larger, part, out)
        where = np.where(larger, index, where)
    return out, (x.shape, kernel_size, s, where)


def maxpool2d_backward(dout, cache):
    x_shape, k, s, where = cache
    H_out, W_out = dout.shape[2:]
    dx = np.zeros(x_shape)
    for index in range(k * k):
        i, j = divmod(index, k)
        dx[:, :, i:i + s * (H_out - 1) + 1:s, j:j + s * (W_out - 1) + 1:s] += dout * (where == index)
    return dx


def avgpool2d_forward(x, kernel_size=2, stride=None):
    s = kernel_size if stride is None else stride
    parts = _offsets(x, kernel_size, s)
    return sum(parts) / kernel_size ** 2, (x.shape, kernel_size, s)


def avgpool2d_backward(dout, cache):
    x_shape, k, s = cache
    H_out, W_out = dout.shape[2:]
    dx = np.zeros(x_shape)
    for i in range(k):
        for j in range(k):
            dx[:, :, i:i + s * (H_out - 1) + 1:s, j:j + s * (W_out - 1) + 1:s] += dout / k ** 2
    return dx
