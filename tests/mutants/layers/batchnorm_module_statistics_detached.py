"""BatchNorm module computing the batch mean and variance without gradient (treated as constants)."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("            mean = x.mean(dim=dims)\n"
     "            var = ((x - mean.reshape(shape)) ** 2).mean(dim=dims)\n"
     "            with torch.no_grad():\n",
     "            with torch.no_grad():\n"
     "                mean = x.mean(dim=dims)\n"
     "                var = ((x - mean.reshape(shape)) ** 2).mean(dim=dims)\n"),
]
