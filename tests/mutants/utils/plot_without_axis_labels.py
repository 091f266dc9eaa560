"""plot_curves titles each panel but labels neither axis."""
TARGET = "utils/plot.py"
REPLACE = [("        ax.set_xlabel(\"epoch\")\n", ""), ("        ax.set_ylabel(label)\n", "")]
