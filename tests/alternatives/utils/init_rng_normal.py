"""Initializers that draw with Generator.normal(0, std) and fill torch layers with torch.nn.init.normal_."""
TARGET = "utils/init.py"


def zeros(shape):
    return np.full(shape, 0.0)


def normal(shape, std=0.01, rng=None):
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    return generator.normal(0.0, std, size=shape)


def xavier_normal(fan_in, fan_out, rng=None):
    return normal((fan_in, fan_out), std=(1.0 / fan_in) ** 0.5, rng=rng)


def he_normal(fan_in, fan_out, rng=None):
    return normal((fan_in, fan_out), std=(2.0 / fan_in) ** 0.5, rng=rng)


def init_module_(module, scheme, seed=None):
    stds = {"zeros": None, "normal": 0.01, "xavier": 1.0, "he": 2.0}
    if scheme not in stds:
        raise ValueError(f"no initialization scheme called {scheme!r}")
    generator = torch.Generator() if seed is not None else None
    if generator is not None:
        generator.manual_seed(seed)
    for layer in [m for m in module.modules() if isinstance(m, (nn.Linear, nn.Conv1d, nn.Conv2d))]:
        w = layer.weight
        fan_in = (w.shape[1] * int(np.prod(w.shape[2:]))) if w.dim() > 2 else w.shape[1]
        if scheme == "zeros":
            nn.init.zeros_(w)
        else:
            std = stds[scheme] if scheme == "normal" else (stds[scheme] / fan_in) ** 0.5
            nn.init.normal_(w, 0.0, std, generator=generator)
        if layer.bias is not None:
            nn.init.zeros_(layer.bias)
    return module
