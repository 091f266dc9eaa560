"""plot_curves draws the loss panel only."""
TARGET = "utils/plot.py"
REPLACE = [
    ('zip(fig.subplots(1, 2), ("loss", "acc"), ("loss", "accuracy"))', 'zip([fig.subplots()], ("loss",), ("loss",))'),
]
