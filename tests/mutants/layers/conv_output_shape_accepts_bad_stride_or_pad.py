"""conv2d_output_shape never checks stride >= 1 and pad >= 0 (only that the output is not empty)."""
TARGET = "layers/conv.py"
REPLACE = [
    ("    if stride < 1 or pad < 0:\n"
     "        raise ValueError(f\"stride must be >= 1 and pad >= 0, got stride={stride}, pad={pad}\")\n", ""),
]
