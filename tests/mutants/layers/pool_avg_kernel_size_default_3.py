"""avgpool2d_forward with kernel_size defaulting to 3 instead of 2."""
TARGET = "layers/pool.py"

_correct_avgpool2d_forward = avgpool2d_forward


def avgpool2d_forward(x, kernel_size=3, stride=None):
    return _correct_avgpool2d_forward(x, kernel_size, stride)
