"""plot_curves draws only the training curves."""
TARGET = "utils/plot.py"
REPLACE = [
    ('for split, name in (("train", "training"), ("val", "validation")):',
     'for split, name in (("train", "training"),):'),
]
