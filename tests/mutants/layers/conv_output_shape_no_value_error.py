"""conv2d_output_shape returns a zero or negative size instead of raising ValueError."""
TARGET = "layers/conv.py"


def conv2d_output_shape(H, W, kernel_size, stride=1, pad=0):
    HH, WW = (kernel_size, kernel_size) if np.isscalar(kernel_size) else kernel_size
    return (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
