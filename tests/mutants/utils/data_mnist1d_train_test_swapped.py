"""load_mnist1d returns the test split first and the training split second."""
TARGET = "utils/data.py"


def load_mnist1d(seed=42):
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    args.seed = seed
    data = make_dataset(args)
    return data["x_test"], data["y_test"], data["x"], data["y"]
