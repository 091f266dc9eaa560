"""Validation (and predict) run the model without switching it to eval mode."""
TARGET = "utils/train.py"


def _eval_outputs(model, X, batch_size, device):
    outputs = []
    with torch.no_grad():
        for start in range(0, len(X), batch_size):
            outputs.append(model(torch.as_tensor(X[start:start + batch_size], dtype=torch.float32, device=device)))
    return torch.cat(outputs)
