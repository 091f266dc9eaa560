"""maxpool2d_forward gathers the windows by kernel offsets and returns an empty output when the kernel does not fit."""
TARGET = "layers/pool.py"


def maxpool2d_forward(x, kernel_size=2, stride=None):
    k = kernel_size
    s = k if stride is None else stride
    N, C, H, W = x.shape
    H_out, W_out = max(0, (H - k) // s + 1), max(0, (W - k) // s + 1)
    flat = np.stack([x[:, :, i:i + s * (H_out - 1) + 1:s, j:j + s * (W_out - 1) + 1:s][:, :, :H_out, :W_out]
                     for i in range(k) for j in range(k)], axis=-1)
    first_max = flat.argmax(axis=-1) if flat.size else np.zeros(flat.shape[:4], dtype=int)
    out = np.take_along_axis(flat, first_max[..., None], axis=-1)[..., 0]
    return out, (x.shape, k, s, first_max)
