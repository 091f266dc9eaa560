"""maxpool2d_backward places the gradient as if the stride were 1."""
TARGET = "layers/pool.py"


def maxpool2d_backward(dout, cache):
    x_shape, k, s, first_max = cache
    H_out, W_out = dout.shape[2:]
    dx = np.zeros(x_shape)
    for i in range(k):
        for j in range(k):
            dx[:, :, i:i + H_out, j:j + W_out] += np.where(first_max == i * k + j, dout, 0)
    return dx
