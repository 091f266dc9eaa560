"""TwoLayerNet.predict centering each row of W2 in place (the argmax stays the same, the weights change)."""
TARGET = "models/two_layer_net.py"
REPLACE = [("        scores, _ = linear_forward(h, w[\"W2\"], w[\"b2\"])\n        return",
            "        w[\"W2\"] -= w[\"W2\"].mean(axis=1, keepdims=True)\n"
            "        scores, _ = linear_forward(h, w[\"W2\"], w[\"b2\"])\n        return")]
