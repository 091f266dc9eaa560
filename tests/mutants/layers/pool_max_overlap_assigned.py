"""maxpool2d_backward assigns (=) instead of adding (+=), so overlapping windows overwrite each other."""
TARGET = "layers/pool.py"


def maxpool2d_backward(dout, cache):
    x_shape, k, s, first_max = cache
    H_out, W_out = dout.shape[2:]
    dx = np.zeros(x_shape)
    for i in range(k):
        for j in range(k):
            part = dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            part[...] = np.where(first_max == i * k + j, dout, part)
    return dx
