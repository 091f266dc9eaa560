"""conv2d_forward is right but loops over the batch, the filters and every output position (SPEC: vectorized)."""
TARGET = "layers/conv.py"

_vectorized_forward = conv2d_forward


def conv2d_forward(x, w, b, stride=1, pad=0):
    out, cache = _vectorized_forward(x, w, b, stride, pad)
    N, F, H_out, W_out = out.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    HH, WW = w.shape[2:]
    naive = np.zeros_like(out)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    naive[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return naive, cache
