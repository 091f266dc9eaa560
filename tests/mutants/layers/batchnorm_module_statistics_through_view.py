"""BatchNorm taking the batch mean through x.view(N, C, -1), which fails on a non-contiguous (permuted) input."""
TARGET = "layers/normalization.py"
REPLACE = [("            mean = x.mean(dim=dims)\n",
            "            mean = x.view(x.shape[0], x.shape[1], -1).mean(dim=(0, 2))\n")]
