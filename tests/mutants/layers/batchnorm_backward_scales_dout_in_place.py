"""batchnorm_backward computing dxhat in place on dout (dxhat = dout; dxhat *= gamma)."""
TARGET = "layers/normalization.py"
REPLACE = [("    dxhat = dout * gamma.reshape(shape)\n", "    dxhat = dout\n    dxhat *= gamma.reshape(shape)\n")]
