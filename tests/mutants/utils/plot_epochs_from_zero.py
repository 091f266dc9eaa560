"""plot_curves drawing each curve with ax.plot(values): the epochs start at 0 on the x axis."""
TARGET = "utils/plot.py"
REPLACE = [("                ax.plot(range(1, len(values) + 1), values, marker=\"o\", markersize=3, label=name)\n",
            "                ax.plot(values, marker=\"o\", markersize=3, label=name)\n")]
