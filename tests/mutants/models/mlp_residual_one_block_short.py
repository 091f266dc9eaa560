"""ResidualMLP builds num_blocks - 1 blocks."""
TARGET = "models/mlp.py"

_original_init = ResidualMLP.__init__


def _init(self, in_features, hidden_features, out_features, num_blocks, block_hidden, activation="relu", norm=False):
    _original_init(self, in_features, hidden_features, out_features, max(num_blocks - 1, 0), block_hidden,
                   activation, norm)


ResidualMLP.__init__ = _init
