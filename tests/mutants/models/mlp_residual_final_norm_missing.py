"""ResidualMLP with norm=True normalizes inside the blocks but leaves out the BatchNorm before linear_out."""
TARGET = "models/mlp.py"

_original_init = ResidualMLP.__init__


def _init(self, in_features, hidden_features, out_features, num_blocks, block_hidden, activation="relu", norm=False):
    _original_init(self, in_features, hidden_features, out_features, num_blocks, block_hidden, activation, norm)
    self.norm = None


ResidualMLP.__init__ = _init
