"""ConvNet passes 1 - dropout to Dropout, treating dropout as the keep probability."""
TARGET = "models/cnn.py"
REPLACE = [
    ("        self.dropout = Dropout(dropout) if dropout > 0 else None\n",
     "        self.dropout = Dropout(1 - dropout) if dropout > 0 else None\n"),
]
