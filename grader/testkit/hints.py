"""Hints for the errors students meet most: what an error of numpy or torch usually means, and the test's own hints.

``error_hint`` reads an exception's class name and message (never student
objects) and returns one sentence to act on, or None. ``test_hints`` reads the
``hint="..."`` texts a test passes to its checks, from the test's source, so
that a test stopped early (a numeric warning raised inside the student's code,
before any check ran) still shows what it would have said.
"""
from __future__ import annotations

import ast
import inspect
import re
import textwrap
from typing import Callable

from grader.contract import IMPORT_DIRECTLY

NUMERIC_WARNING = re.compile(r"(overflow|underflow|invalid value|divide by zero) encountered")

# (class names or None for any, message pattern, hint): the first match wins
_ERRORS: list[tuple[tuple[str, ...] | None, re.Pattern, str]] = [(names, re.compile(pattern, re.I), hint) for names, pattern, hint in [
    (None, r"leaf Variable that requires grad is being used in an in-place operation",
     "update parameters in place inside `with torch.no_grad():` (autograd must not record the update)"),
    (None, r"needed for gradient computation has been modified by an inplace operation",
     "a tensor that backward() needs was changed in place: write `x = x * 2` (a new tensor) instead of `x *= 2`, "
     "or work on `x.clone()`"),
    (None, r"does not require grad and does not have a grad_fn",
     "the loss is not connected to the parameters: keep the forward pass in torch (no .detach(), .item(), .numpy() "
     "or torch.no_grad() on the way to the loss)"),
    (None, r"backward through the graph a second time",
     "call backward() once per forward pass: compute the loss again at every step"),
    (None, r"Can't call numpy\(\) on Tensor that requires grad",
     "use `t.detach().numpy()` (or compute it under torch.no_grad())"),
    (None, r"mat1 and mat2 must have the same dtype|expected scalar type|expected .* to have the same dtype|"
           r"found dtype Double but expected Float",
     "tensors of different dtypes met: float64 data must be converted to the parameters' dtype, "
     "e.g. `torch.as_tensor(x, dtype=torch.float32)` or `x.to(weight.dtype)`"),
    (None, r"mat1 and mat2 shapes cannot be multiplied",
     "the input of a linear layer has the wrong width: flatten (N, d1, ..., dk) to (N, d1*...*dk) and check in_features"),
    (None, r"Expected all tensors to be on the same device",
     "move the batch to the model's device: `x, y = x.to(device), y.to(device)`"),
    (None, r"output with shape .* doesn't match the broadcast shape",
     "an in-place operation cannot grow a tensor: write `out = a + b` instead of `a += b`"),
    (None, r"operands could not be broadcast together",
     "shapes do not line up: a reduction over one axis needs keepdims=True to broadcast back, and check which axis"),
    (None, r"(shapes .* not aligned|mismatch in its core dimension)",
     "the matrix product's inner sizes differ: check the order of the operands and which one is transposed"),
    (None, r"only integer scalar arrays can be converted|arrays used as indices must be of integer",
     "indices must be integers: convert labels with `y.astype(int)`"),
    (None, r"index -?\d+ is out of bounds",
     "an index is past the end of its axis: check the axis you index and the range of the labels"),
    (None, r"cannot reshape array of size",
     "the total size changes in this reshape: check the order of the axes before it (transpose first?)"),
    (("ModuleNotFoundError",), r"No module named '(student|solutions)'",
     f"your code imports the handout's own copy, which is not there when your code is graded: {IMPORT_DIRECTLY}"),
    (("RuntimeWarning",), NUMERIC_WARNING.pattern,
     "the computation overflowed or divided by zero: subtract the row maximum before exp, use a stable formula "
     "(log1p, where), or add eps where a divisor can be 0"),
]]


def error_hint(type_name: str, message: str) -> str | None:
    """Returns the hint for an exception of class ``type_name`` with ``message``, or None when none applies."""
    for names, pattern, hint in _ERRORS:
        if (names is None or type_name in names) and pattern.search(message or ""):
            return hint
    return None


def is_numeric_warning(type_name: str, message: str) -> bool:
    """True for numpy's overflow, invalid-value and division warnings (raised as errors by the harness)."""
    return type_name in ("RuntimeWarning", "FloatingPointError") and bool(NUMERIC_WARNING.search(message or ""))


def test_hints(function: Callable) -> list[str]:
    """Returns the distinct ``hint="..."`` texts in the source of test ``function`` (empty when unreadable)."""
    while hasattr(function, "__wrapped__"):
        function = function.__wrapped__
    inner = getattr(getattr(function, "hypothesis", None), "inner_test", None)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(inner or function)))
    except (OSError, TypeError, SyntaxError):
        return []
    names = getattr(inner or function, "__globals__", {})
    hints: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "hint":
            text = _literal(node.value, names)
            if text and text not in hints:
                hints.append(text)
    return hints


def _literal(node: ast.AST, names: dict) -> str | None:
    """Returns the text of a string literal, f-string (``...`` for its fields) or module-level string constant."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and isinstance(names.get(node.id), str):
        return names[node.id]
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "..." for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left, names), _literal(node.right, names)
        return left + right if left and right else None
    return None
