"""avgpool2d_forward uses stride 1 when no stride is given, instead of the kernel size."""
TARGET = "layers/pool.py"

_correct_avgpool2d_forward = avgpool2d_forward


def avgpool2d_forward(x, kernel_size=2, stride=None):
    return _correct_avgpool2d_forward(x, kernel_size, 1 if stride is None else stride)
