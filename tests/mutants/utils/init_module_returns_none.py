"""init_module_ re-initializes in place but returns None."""
TARGET = "utils/init.py"
_init_module_ = init_module_


def init_module_(module, scheme, seed=None):
    _init_module_(module, scheme, seed)
