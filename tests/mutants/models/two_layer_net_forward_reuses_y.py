"""TwoLayerNet.forward overwriting the labels y with the right/wrong mask to compute the accuracy."""
TARGET = "models/two_layer_net.py"
REPLACE = [("        accuracy = float(np.mean(np.argmax(scores, axis=1) == y))\n",
            "        y[...] = np.argmax(scores, axis=1) == y\n        accuracy = float(np.mean(y))\n")]
