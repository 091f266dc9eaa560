"""batchnorm_backward scaling the cached xhat in place (xhat *= dgamma * gamma): a second backward is wrong."""
TARGET = "layers/normalization.py"
REPLACE = [("                                           - xhat * (dgamma * gamma).reshape(shape))\n",
            "                                           - scaled_xhat)\n"),
           ("    count = xhat.size // xhat.shape[1]\n",
            "    count = xhat.size // xhat.shape[1]\n"
            "    xhat *= (dgamma * gamma).reshape(shape)\n"
            "    scaled_xhat = xhat\n")]
