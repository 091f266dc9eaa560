"""_read_idx requires at least one data byte after the header, so an IDX file of 0 images is refused."""
TARGET = "utils/data.py"
REPLACE = [
    ("    if len(raw) < header:\n", "    if len(raw) <= header:\n"),
]
