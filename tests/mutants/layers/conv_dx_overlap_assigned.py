"""conv2d_backward assigns (=) each kernel offset's part of dx instead of adding it (+=)."""
TARGET = "layers/conv.py"
REPLACE = [
    ("l:l + stride * W_out:stride] += \\\n", "l:l + stride * W_out:stride] = \\\n"),
]
