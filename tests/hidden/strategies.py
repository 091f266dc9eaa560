"""hypothesis strategies shared by the hidden suite."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays


def float_arrays(min_dims: int = 1, max_dims: int = 4, max_side: int = 6, bound: float = 10.0,
                 dtype=np.float64, shape=None) -> st.SearchStrategy[np.ndarray]:
    """Arrays of finite floats in [-bound, bound], of a drawn (or the given) shape."""
    shapes = shape if shape is not None else array_shapes(min_dims=min_dims, max_dims=max_dims, max_side=max_side)
    elements = st.floats(-bound, bound, allow_nan=False, allow_infinity=False, width=64 if dtype == np.float64 else 32)
    return arrays(dtype, shapes, elements=elements)


def seeds() -> st.SearchStrategy[int]:
    """Seeds for numpy Generators built in the test (trusted) process."""
    return st.integers(0, 2**31 - 1)


def gaussian(seed: int, *shape: int, scale: float = 1.0) -> np.ndarray:
    """A standard normal array of ``shape`` times ``scale`` from ``seed``."""
    return np.random.default_rng(seed).normal(0.0, scale, shape)
