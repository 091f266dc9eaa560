"""ConvNet flattening its features with h.view(N, -1), which fails on channels-last feature maps."""
TARGET = "models/cnn.py"
REPLACE = [("        h = self.features(x).flatten(1)\n",
            "        h = self.features(x)\n        h = h.view(h.size(0), -1)\n")]
