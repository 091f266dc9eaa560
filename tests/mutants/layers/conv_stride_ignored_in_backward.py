"""conv2d_backward scatters dx as if the stride were 1."""
TARGET = "layers/conv.py"
REPLACE = [
    ("dx_pad[:, :, k:k + stride * H_out:stride, l:l + stride * W_out:stride] += ",
     "dx_pad[:, :, k:k + H_out, l:l + W_out] += "),
]
