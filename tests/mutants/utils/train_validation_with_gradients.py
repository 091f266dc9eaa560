"""Validation (and predict) run in eval mode but build the autograd graph (no torch.no_grad())."""
TARGET = "utils/train.py"


def _eval_outputs(model, X, batch_size, device):
    was_training = model.training
    model.eval()
    outputs = []
    for start in range(0, len(X), batch_size):
        outputs.append(model(torch.as_tensor(X[start:start + batch_size], dtype=torch.float32, device=device)))
    model.train(was_training)
    return torch.cat(outputs).detach()
