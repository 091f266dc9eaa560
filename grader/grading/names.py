"""What a test is called on a student's page: the module, then the property in words, then its case in words.

``public/test_conv.py::test_conv2d_output_shape_follows_the_formula[args0-kwargs0-expected0]``
becomes ``conv: conv2d output shape follows the formula (stride=2, pad=1)``.
The property is the first sentence of the test's docstring, whole (its first
paragraph may wrap over several lines), else its function name in words; the
case is the ids the test's author wrote (``ids=[...]``, ``pytest.param(...,
id=...)``), else the parametrization's scalar values (``name=value``; a dict of
keyword arguments as its own ``key=value``), or ``case 3`` when neither says
anything. Numbers group the tests by module: ``4.12`` is the 12th test of the
4th module. Every test of the public and hidden suites gets a name of its own
(``tests/grader/test_pages.py`` checks it over both suites).
"""
from __future__ import annotations

import inspect
import re
from typing import Any

import pytest

CASE_CHARS = 60
_AUTO_ID = re.compile(r"^[A-Za-z_]\w*?\d+$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_PARAM_TYPE = type(pytest.param(None))
_MISSING = object()


def first_sentence(doc: str) -> str:
    """Returns the first sentence of the first paragraph of ``doc``, on one line, without its closing period."""
    paragraph = " ".join(doc.strip().split("\n\n")[0].split())
    return _SENTENCE_END.split(paragraph, maxsplit=1)[0].rstrip(".")


def describe(item: pytest.Item) -> str:
    """Returns the property ``item`` tests, in words: its docstring's first sentence or its name without ``test_``."""
    function = getattr(item, "function", None)
    doc = inspect.getdoc(function) if function is not None else None
    if doc and doc.strip():
        return first_sentence(doc)
    name = getattr(item, "originalname", None) or item.name.split("[")[0]
    return name.removeprefix("test_").replace("_", " ")


def _word(value: Any) -> str | None:
    """Returns a short text for a scalar (or a short tuple of scalars, or a short dict of them), else None."""
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
    if isinstance(value, dict) and len(value) <= 4 and all(isinstance(k, str) and k.isidentifier() for k in value):
        parts = [_word(v) for v in value.values()]
        if all(p is not None and len(p) <= 10 for p in parts):
            return ", ".join(f"{k}={p}" for k, p in zip(value, parts))
    if callable(value) and getattr(value, "__name__", "").isidentifier():
        return value.__name__
    return None


def _argnames(mark: pytest.Mark) -> list[str]:
    names = mark.args[0] if mark.args else mark.kwargs.get("argnames", ())
    if isinstance(names, str):
        return [n.strip() for n in names.split(",") if n.strip()]
    return list(names)


def _values(mark: pytest.Mark) -> list:
    values = mark.args[1] if len(mark.args) > 1 else mark.kwargs.get("argvalues", ())
    try:
        return list(values)
    except TypeError:
        return []


def _written_id(mark: pytest.Mark, names: list[str], params: dict) -> str | None:
    """Returns the id the test's author wrote for the case of parametrize ``mark`` that ``params`` took, if any.

    The case is found by identity: pytest hands the test the very objects of the mark's list.
    """
    ids = mark.kwargs.get("ids")
    for index, value in enumerate(_values(mark)):
        written = value.id if isinstance(value, _PARAM_TYPE) else None
        values = value.values if isinstance(value, _PARAM_TYPE) else (value,) if len(names) == 1 else value
        try:
            same = len(values) == len(names) and all(params.get(n, _MISSING) is v for n, v in zip(names, values))
        except TypeError:
            same = False
        if not same:
            continue
        if isinstance(written, str):
            return written
        if isinstance(ids, (list, tuple)) and index < len(ids) and isinstance(ids[index], str):
            return ids[index]
        return None
    return None


def case(item: pytest.Item) -> str:
    """Returns the parametrized case of ``item`` in words ("" when it is not parametrized)."""
    spec = getattr(item, "callspec", None)
    if spec is None:
        return ""
    marks = {name: mark for mark in item.iter_markers(name="parametrize") for name in _argnames(mark)}
    words, done = [], set()
    for name in spec.params:
        if name in done:
            continue
        mark = marks.get(name)
        group = _argnames(mark) if mark is not None else [name]
        done.update(group)
        written = _written_id(mark, group, spec.params) if mark is not None else None
        if written:
            words.append(written)
            continue
        for member in group:
            value = spec.params.get(member, _MISSING)
            if isinstance(value, str) and not value:
                words.append(f"{member}=''")
            elif text := _word(value):
                words.append(text if isinstance(value, (str, dict)) else f"{member}={text}")
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
