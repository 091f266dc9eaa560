"""conv2d_forward pads only the top and left sides (asymmetric padding)."""
TARGET = "layers/conv.py"
REPLACE = [
    ("    x_pad[:, :, pad:pad + H, pad:pad + W] = x.transpose(1, 0, 2, 3)\n",
     "    x_pad[:, :, pad:pad + H, pad:pad + W] = x.transpose(1, 0, 2, 3)\n"
     "    x_pad = np.roll(x_pad, (pad, pad), axis=(2, 3))  # all the zeros end up on the top and left\n"),
]
