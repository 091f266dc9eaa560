"""init_module_ accepts any unknown scheme and fills the weights like "normal"."""
TARGET = "utils/init.py"
REPLACE = [
    ("    if scheme not in SCHEMES:\n"
     "        raise ValueError(f\"unknown scheme {scheme!r}; choose one of {', '.join(SCHEMES)}\")\n", ""),
    ('std = {"normal": NORMAL_STD, "xavier": (1.0 / fan_in) ** 0.5, "he": (2.0 / fan_in) ** 0.5}[scheme]',
     'std = {"xavier": (1.0 / fan_in) ** 0.5, "he": (2.0 / fan_in) ** 0.5}.get(scheme, NORMAL_STD)'),
]
