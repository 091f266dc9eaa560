"""avgpool2d_backward assigns (=) instead of adding (+=), so overlapping windows overwrite each other."""
TARGET = "layers/pool.py"


def avgpool2d_backward(dout, cache):
    x_shape, k, s = cache
    H_out, W_out = dout.shape[2:]
    dx = np.zeros(x_shape)
    for i in range(k):
        for j in range(k):
            dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s] = dout / (k * k)
    return dx
