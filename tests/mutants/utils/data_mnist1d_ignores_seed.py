"""load_mnist1d always generates the data of the default seed 42."""
TARGET = "utils/data.py"


def load_mnist1d(seed=42):
    from mnist1d.data import get_dataset_args, make_dataset

    data = make_dataset(get_dataset_args())
    return (data["x"].astype(np.float64), data["y"].astype(np.int64),
            data["x_test"].astype(np.float64), data["y_test"].astype(np.int64))
