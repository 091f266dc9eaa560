"""train_numpy records the sum of the batch losses and accuracies instead of their mean."""
TARGET = "utils/train.py"

_train_numpy = train_numpy


def train_numpy(model, optimizer, data, epochs, batch_size, seed=0):
    history = _train_numpy(model, optimizer, data, epochs, batch_size, seed)
    batches = -(-len(data[0]) // batch_size)
    history.train_loss = [v * batches for v in history.train_loss]
    history.train_acc = [v * batches for v in history.train_acc]
    return history
