"""_read_idx reads each size from the low three bytes of its field, so a header announcing 2**24 + n images passes."""
TARGET = "utils/data.py"
REPLACE = [
    ('int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big")', 'int.from_bytes(raw[5 + 4 * i: 8 + 4 * i], "big")'),
]
