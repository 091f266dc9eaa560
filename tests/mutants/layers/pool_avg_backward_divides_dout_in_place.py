"""avgpool2d_backward dividing dout by k * k in place (dout /= k * k) before spreading it."""
TARGET = "layers/pool.py"
REPLACE = [("    share = dout / (k * k)\n", "    dout /= k * k\n    share = dout\n")]
