"""BatchNorm module normalizing with the batch statistics in eval mode too."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("            mean, var = self.running_mean, self.running_var\n",
     "            mean = x.mean(dim=dims)\n"
     "            var = ((x - mean.reshape(shape)) ** 2).mean(dim=dims)\n"),
]
