"""TwoLayerNet.predict centering X in place (X -= X.mean(axis=0)) before the first layer."""
TARGET = "models/two_layer_net.py"
REPLACE = [("        z1, _ = linear_forward(X, w[\"W1\"], w[\"b1\"])\n",
            "        X -= X.mean(axis=0)\n        z1, _ = linear_forward(X, w[\"W1\"], w[\"b1\"])\n")]
