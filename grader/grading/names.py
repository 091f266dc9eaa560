"""What a test is called on a student's page: the module, then the property in words, then its case in words.

``public/test_conv.py::test_conv2d_output_shape_follows_the_formula[args0-kwargs0-expected0]``
becomes ``conv: conv2d output shape follows the formula (stride=2, pad=1)``.
The property is the first line of the test's docstring, else its function name
in words; the case is the parametrization's scalar values (``name=value``), or
ids written by the test's author, or ``case 3`` when neither says anything.
Numbers group the tests by module: ``4.12`` is the 12th test of the 4th module.
"""
from __future__ import annotations

import inspect
import re
from typing import Any

import pytest

CASE_CHARS = 60
_AUTO_ID = re.compile(r"^[A-Za-z_]\w*?\d+$")


def describe(item: pytest.Item) -> str:
    """Returns the property ``item`` tests, in words: its docstring's first line or its name without ``test_``."""
    function = getattr(item, "function", None)
    doc = inspect.getdoc(function) if function is not None else None
    if doc:
        return doc.strip().splitlines()[0].rstrip(".")
    name = getattr(item, "originalname", None) or item.name.split("[")[0]
    return name.removeprefix("test_").replace("_", " ")


def _word(value: Any) -> str | None:
    """Returns a short text for a scalar (or a short tuple of scalars), else None."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str) and len(value) <= 30:
        return value
    if isinstance(value, (tuple, list)) and 0 < len(value) <= 4:
        parts = [_word(v) for v in value]
        if all(p is not None and len(p) <= 10 for p in parts):
            return "(" + ", ".join(parts) + ")"
    if callable(value) and getattr(value, "__name__", "").isidentifier():
        return value.__name__
    return None


def case(item: pytest.Item) -> str:
    """Returns the parametrized case of ``item`` in words ("" when it is not parametrized)."""
    spec = getattr(item, "callspec", None)
    if spec is None:
        return ""
    words = []
    for name, value in spec.params.items():
        text = _word(value)
        if text is not None:
            words.append(text if isinstance(value, str) else f"{name}={text}")
    if not words:
        words = [part for part in spec.id.split("-") if part and not _AUTO_ID.match(part)]
    if not words:
        index = next(iter(spec.indices.values()), 0) if spec.indices else 0
        return f"case {index + 1}"
    text = ", ".join(words)
    return text if len(text) <= CASE_CHARS else text[:CASE_CHARS - 3] + "..."


def readable_name(item: pytest.Item, module: str, suite: str | None) -> str:
    """Returns the name of ``item`` on the student's page: ``module: property (case)``, hidden tests marked."""
    where = module if suite in (None, "public") else f"{module} ({suite})"
    text = case(item)
    return f"{where}: {describe(item)}" + (f" ({text})" if text else "")
