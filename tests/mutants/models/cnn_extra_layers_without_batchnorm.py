"""ConvNet puts BatchNorm in the stages only: the extra layers run without it."""
TARGET = "models/cnn.py"
REPLACE = [
    ("            group = [ConvLayer(self.dims, c, c, activation, batchnorm)\n",
     "            group = [ConvLayer(self.dims, c, c, activation, False)\n"),
]
