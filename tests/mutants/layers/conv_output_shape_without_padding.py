"""conv2d_output_shape forgets the + 2 * pad term."""
TARGET = "layers/conv.py"


def conv2d_output_shape(H, W, kernel_size, stride=1, pad=0):
    HH, WW = (kernel_size, kernel_size) if np.isscalar(kernel_size) else kernel_size
    H_out = (H - HH) // stride + 1
    W_out = (W - WW) // stride + 1
    if H_out < 1 or W_out < 1:
        raise ValueError("the kernel does not fit")
    return H_out, W_out
