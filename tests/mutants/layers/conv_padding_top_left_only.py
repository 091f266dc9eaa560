"""conv2d_forward pads only the top and left sides (asymmetric padding)."""
TARGET = "layers/conv.py"


def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out, W_out = conv2d_output_shape(H, W, (HH, WW), stride, pad)
    x_pad = np.zeros((C, N, H + 2 * pad, W + 2 * pad))
    x_pad[:, :, pad:pad + H, pad:pad + W] = x.transpose(1, 0, 2, 3)
    x_pad = np.roll(x_pad, (pad, pad), axis=(2, 3))  # all the zeros end up on the top and left
    cols = np.empty((C, HH, WW, N, H_out, W_out))
    for k in range(HH):
        for l in range(WW):
            cols[:, k, l] = x_pad[:, :, k:k + stride * H_out:stride, l:l + stride * W_out:stride]
    cols = cols.reshape(C * HH * WW, N * H_out * W_out)
    out = (w.reshape(F, -1) @ cols).reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3) + b.reshape(1, F, 1, 1)
    return out, (x.shape, w, stride, pad, cols)
