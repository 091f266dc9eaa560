"""maxpool2d_backward is right but runs once per image of the batch (SPEC: no Python loop over the batch)."""
TARGET = "layers/pool.py"

_vectorized_backward = maxpool2d_backward


def maxpool2d_backward(dout, cache):
    whole = _vectorized_backward(dout, cache)
    parts = [whole[n:n + 1] for n in range(len(dout))]
    return np.concatenate(parts)
