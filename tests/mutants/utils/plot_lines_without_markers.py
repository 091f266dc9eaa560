"""plot_curves drawing plain lines without markers: a one-epoch history shows nothing."""
TARGET = "utils/plot.py"
REPLACE = [("                ax.plot(range(1, len(values) + 1), values, marker=\"o\", markersize=3, label=name)\n",
            "                ax.plot(range(1, len(values) + 1), values, label=name)\n")]
