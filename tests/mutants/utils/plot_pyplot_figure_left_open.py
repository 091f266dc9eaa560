"""plot_curves drawing on a pyplot figure (plt.figure) and never closing it."""
TARGET = "utils/plot.py"
REPLACE = [("    fig = Figure(figsize=(10, 4))\n",
            "    import matplotlib.pyplot as plt\n    fig = plt.figure(figsize=(10, 4))\n")]
