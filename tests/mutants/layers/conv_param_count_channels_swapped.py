"""conv2d_param_count with in_channels and out_channels swapped: one bias per input channel."""
TARGET = "layers/conv.py"


def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
    HH, WW = (kernel_size, kernel_size) if np.isscalar(kernel_size) else kernel_size
    return in_channels * out_channels * HH * WW + (in_channels if bias else 0)
