"""init_module_ re-initializes every parameter named weight or bias, batch norm included."""
TARGET = "utils/init.py"


def init_module_(module, scheme, seed=None):
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith("bias"):
                p.zero_()
                continue
            fan_in = p[0].numel() if p.dim() > 1 else 1
            std = {"zeros": 0.0, "normal": 0.01, "xavier": (1 / fan_in) ** 0.5, "he": (2 / fan_in) ** 0.5}[scheme]
            p.normal_(0.0, std, generator=generator) if std else p.zero_()
    return module
