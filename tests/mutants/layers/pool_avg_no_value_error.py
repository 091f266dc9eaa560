"""avgpool2d_forward adds up the kernel offsets and returns an empty output when the kernel does not fit."""
TARGET = "layers/pool.py"


def avgpool2d_forward(x, kernel_size=2, stride=None):
    k = kernel_size
    s = k if stride is None else stride
    N, C, H, W = x.shape
    H_out, W_out = max(0, (H - k) // s + 1), max(0, (W - k) // s + 1)
    out = np.zeros((N, C, H_out, W_out))
    for i in range(k):
        for j in range(k):
            out += x[:, :, i:i + s * (H_out - 1) + 1:s, j:j + s * (W_out - 1) + 1:s][:, :, :H_out, :W_out]
    return out / (k * k), (x.shape, k, s)
