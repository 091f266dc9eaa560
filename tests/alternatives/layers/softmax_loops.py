"""softmax row by row with Python loops and math.exp: slow but correct."""
TARGET = "layers/losses.py"


def softmax(z):
    import math
    import numpy as np
    z = np.asarray(z)
    out = np.empty(z.shape, dtype=np.result_type(z, np.float32))
    for index in np.ndindex(*z.shape[:-1]):
        row = z[index]
        top = max(row)
        exps = [math.exp(v - top) for v in row]
        total = sum(exps)
        out[index] = [e / total for e in exps]
    return out
