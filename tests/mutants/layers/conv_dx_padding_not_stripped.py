"""conv2d_backward returns dx with the padding still attached, shape (N, C, H + 2 pad, W + 2 pad)."""
TARGET = "layers/conv.py"


def conv2d_backward(dout, cache):
    (N, C, H, W), w, stride, pad, cols = cache
    F, _, HH, WW = w.shape
    H_out, W_out = dout.shape[2:]
    d = dout.transpose(1, 0, 2, 3).reshape(F, N * H_out * W_out)
    dx_pad = np.zeros((C, N, H + 2 * pad, W + 2 * pad))
    for k in range(HH):
        for l in range(WW):
            dx_pad[:, :, k:k + stride * H_out:stride, l:l + stride * W_out:stride] += \
                (w[:, :, k, l].T @ d).reshape(C, N, H_out, W_out)
    return dx_pad.transpose(1, 0, 2, 3), (d @ cols.T).reshape(w.shape), d.sum(axis=1)
