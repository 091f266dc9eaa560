"""conv2d_backward returns dx with the padding still attached, shape (N, C, H + 2 pad, W + 2 pad)."""
TARGET = "layers/conv.py"
REPLACE = [
    ("dx = dx_pad[:, :, pad:pad + H, pad:pad + W].transpose(1, 0, 2, 3)", "dx = dx_pad.transpose(1, 0, 2, 3)"),
]
