"""conv2d_param_count counts the weights but never the biases."""
TARGET = "layers/conv.py"


def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
    HH, WW = (kernel_size, kernel_size) if np.isscalar(kernel_size) else kernel_size
    return out_channels * in_channels * HH * WW
