"""conv2d_output_shape validating every argument first, then flooring a float division with math.floor."""
TARGET = "layers/conv.py"


def conv2d_output_shape(H, W, kernel_size, stride=1, pad=0):
    import math
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    if not stride >= 1:
        raise ValueError("stride must be at least 1")
    if not pad >= 0:
        raise ValueError("pad must not be negative")
    sides = []
    for size, kernel in zip((H, W), kernel_size):
        if size + 2 * pad < kernel:
            raise ValueError("the kernel is larger than the padded input")
        sides.append(int(math.floor((size + 2 * pad - kernel) / stride)) + 1)
    return tuple(sides)
