"""The one YAML reader of the kit: configs, the rubric and the policy are all read through ``read_yaml``."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def read_yaml(path: Path | str, error: type[Exception], what: str) -> Any:
    """Returns the YAML document in ``path``; raises ``error`` naming the file when it is missing or invalid."""
    try:
        return yaml.safe_load(Path(path).read_text())
    except FileNotFoundError:
        raise error(f"{path}: no such {what} file") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from None
