"""SoftmaxRegression draws W1 from numpy's global random state, ignoring the seed."""
TARGET = "models/softmax_regression.py"


def _init(self, input_size, num_classes, seed=1024):
    self.input_size = input_size
    self.num_classes = num_classes
    self.weights = {"W1": 0.001 * np.random.randn(input_size, num_classes)}
    self.gradients = {"W1": np.zeros((input_size, num_classes))}


SoftmaxRegression.__init__ = _init
