"""batchnorm_forward in eval mode returning running_mean and running_var themselves instead of copies."""
TARGET = "layers/normalization.py"
REPLACE = [("        new_mean, new_var = running_mean.copy(), running_var.copy()\n",
            "        new_mean, new_var = running_mean, running_var\n")]
