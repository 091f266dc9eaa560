"""plot_curves draws both panels' curves without a legend."""
TARGET = "utils/plot.py"
REPLACE = [("            ax.legend()\n", "            pass\n")]
