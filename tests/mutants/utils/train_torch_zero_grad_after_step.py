"""train_torch resetting the gradients after each step instead of before each backward: stale ones reach step 1."""
TARGET = "utils/train.py"
REPLACE = [("            optimizer.zero_grad()\n            logits = model(xb)\n", "            logits = model(xb)\n"),
           ("            optimizer.step()\n            loss_sum += ",
            "            optimizer.step()\n            optimizer.zero_grad()\n            loss_sum += ")]
