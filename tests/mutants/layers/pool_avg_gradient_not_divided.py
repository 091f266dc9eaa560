"""avgpool2d_backward copies dout to every input of the window without dividing by k * k."""
TARGET = "layers/pool.py"


def avgpool2d_backward(dout, cache):
    x_shape, k, s = cache
    H_out, W_out = dout.shape[2:]
    dx = np.zeros(x_shape)
    for i in range(k):
        for j in range(k):
            dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s] += dout
    return dx
