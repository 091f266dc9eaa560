"""SoftmaxRegression backpropagating through its ReLU with the mask z >= 0: scores at exactly 0 pass gradient."""
TARGET = "models/softmax_regression.py"
REPLACE = [("            dz = relu_backward(dscores, relu_cache)\n", "            dz = dscores * (z >= 0)\n")]
