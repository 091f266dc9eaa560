"""TwoLayerNet adding each training pass's gradients to those of the passes before."""
TARGET = "models/two_layer_net.py"
REPLACE = [('            self.gradients = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}\n',
            '            for key, grad in {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}.items():\n'
            '                self.gradients[key] = self.gradients[key] + grad\n')]
