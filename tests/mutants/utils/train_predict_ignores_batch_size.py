"""Validation and predict push the whole array through the model at once, ignoring batch_size."""
TARGET = "utils/train.py"


def _eval_outputs(model, X, batch_size, device):
    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = model(torch.as_tensor(X, dtype=torch.float32, device=device))
    model.train(was_training)
    return out
