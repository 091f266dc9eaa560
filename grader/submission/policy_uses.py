"""What one student module uses, found statically: the facts the forbidden-API policy judges.

``analyze`` walks a module's ast once, runs nothing, and records every dotted
name the module reaches (imports, aliases, attribute chains, assignments,
``getattr`` with a constant or constant-folded name, ``importlib.import_module``
with a constant), every tensor method it calls, every dynamic route (``eval``,
``getattr`` with a computed name, ``__dict__`` ...), and for each use the
top-level definitions that hold it, so that another file's rule can follow
only the code that file reaches (``grader.submission.policy_reach``).
"""
from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass, field

# kinds of Use
NAME, IMPORT, METHOD, ROUTE = "name", "import", "method", "route"
PATTERN, ATTRNAME, WHOLE = "pattern", "attrname", "whole"
VALUE = "value"  # the detail of a NAME or WHOLE use passed around as a value (an argument, an element, returned)
BODY = ""  # the owner of the code a module runs when it is imported
ACCESSORS = ("getattr", "setattr", "delattr", "hasattr")
_GETTERS = ("operator.attrgetter", "operator.methodcaller")
_SELF_NAMES = {"self", "cls"}
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
           ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_MAX_FOLDED = 64


@dataclass(frozen=True)
class Dynamic:
    """The dynamic routes of every student file: builtins and attributes (with reasons), the reason for
    computed names, and the course packages (whose modules may be reached by a computed name)."""

    builtins: dict[str, str]
    attributes: dict[str, str]
    computed: str
    course: tuple[str, ...]


@dataclass(frozen=True)
class Use:
    """One use in a module: ``name`` is a dotted name, ``.method()``, a route or an attribute string, by ``kind``.

    ``owners``: the top-level names whose definition holds it (``BODY`` for code run
    on import); ``detail``: the reason of a ROUTE, the glob of attribute names of a PATTERN, the method
    of a METHOD, the getter of an ATTRNAME, ``VALUE`` for a name passed around as a value.
    """

    line: int
    name: str
    kind: str
    owners: frozenset[str]
    detail: str = ""


@dataclass
class ModuleFacts:
    """All the policy needs of one module: its uses, the top-level names each definition loads, what it binds."""

    rel: str
    module: str
    uses: list[Use] = field(default_factory=list)
    refs: dict[str, set[str]] = field(default_factory=dict)
    exports: dict[str, tuple[str, int]] = field(default_factory=dict)
    symbols: set[str] = field(default_factory=set)


def module_name(rel: str) -> str:
    """Returns the dotted module name of file ``rel``: ``layers/conv.py`` -> ``layers.conv``, a package's
    ``__init__.py`` -> the package."""
    parts = rel[:-3].split("/") if rel.endswith(".py") else rel.split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _scope_names(node: ast.AST) -> set[str]:
    """The names bound directly in the scope ``node`` opens (parameters, assignments, imports, nested definitions)."""
    names: set[str] = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        a = node.args
        names |= {x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg] if x}
        todo = list(node.body) if isinstance(node.body, list) else [node.body]
    elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        todo = [g.target for g in node.generators]
    else:
        todo = list(ast.iter_child_nodes(node))
    while todo:
        n = todo.pop()
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            names.add(n.id)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names |= {a.asname or a.name.split(".")[0] for a in n.names if a.name != "*"}
        elif isinstance(n, ast.ExceptHandler) and n.name:
            names.add(n.name)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(n.name)
        if not isinstance(n, _SCOPES):
            todo.extend(ast.iter_child_nodes(n))
    return names


def _constant_strings(tree: ast.AST) -> dict[str, set[str]]:
    """Every string constant each name is ever assigned, as a value or as the loop variable over a literal."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        pairs: list[tuple[ast.AST, list[ast.AST]]] = []
        if isinstance(node, ast.Assign):
            pairs = [(t, [node.value]) for t in node.targets]
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            pairs = [(node.target, [node.value])]
        elif isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.iter, (ast.Tuple, ast.List, ast.Set)):
            pairs = [(node.target, list(node.iter.elts))]
        for target, values in pairs:
            if isinstance(target, ast.Name):
                for v in values:
                    folded = _fold(v, {})
                    if folded:
                        found.setdefault(target.id, set()).update(folded[0])
    return found


def _fold(node: ast.AST, names: dict[str, set[str]]) -> tuple[set[str], bool] | None:
    """The strings ``node`` can evaluate to, and whether they are exact (no variable took part); None if unknown."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}, True
    if isinstance(node, ast.Name) and node.id in names:
        return set(names[node.id]), False
    if isinstance(node, ast.FormattedValue) and node.conversion == -1 and node.format_spec is None:
        return _fold(node.value, names)
    parts = (node.values if isinstance(node, ast.JoinedStr) else
             [node.left, node.right] if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) else None)
    if parts is None:
        return None
    folded = [_fold(p, names) for p in parts]
    if any(f is None for f in folded):
        return None
    values = {"".join(c) for c in itertools.islice(itertools.product(*(f[0] for f in folded)), _MAX_FOLDED)}
    return values, all(f[1] for f in folded)


def _glob(node: ast.AST) -> str:
    """The attribute names a computed string can be, as a glob: ``f"{a}_forward"`` -> ``*_forward``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("*", "")
    if isinstance(node, ast.JoinedStr):
        return "".join(_glob(v) if isinstance(v, ast.Constant) else "*" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _glob(node.left) + _glob(node.right)
    return "*"


def _owners(stmt: ast.stmt) -> frozenset[str]:
    """The top-level names a module-level statement defines; ``BODY`` for code that only runs on import."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return frozenset({stmt.name})
    targets = (stmt.targets if isinstance(stmt, ast.Assign) else
               [stmt.target] if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) else [])
    names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return frozenset(names) if names and all(isinstance(t, (ast.Name, ast.Tuple, ast.List)) for t in targets) \
        else frozenset({BODY})


class _Resolver(ast.NodeVisitor):
    """Walks one module and records every use, with the top-level definitions that hold it."""

    def __init__(self, tree: ast.Module, rel: str, dynamic: Dynamic):
        self.facts = ModuleFacts(rel, module_name(rel))
        self.dynamic = dynamic
        module = self.facts.module
        self.package = module if rel.endswith("__init__.py") else module.rpartition(".")[0]
        self.scopes: list[tuple[set[str], dict[str, str]]] = [(_scope_names(tree), {})]
        self.strings = _constant_strings(tree)
        self.owners = frozenset({BODY})
        self.safe: set[int] = set()  # nodes whose value is followed: called, or bound to a plain name

    # --- recording -------------------------------------------------------------------------------------------
    def _use(self, node: ast.AST, name: str, kind: str = NAME, detail: str = "") -> None:
        self.facts.uses.append(Use(node.lineno, name, kind, self.owners, detail))

    def _route(self, node: ast.AST, name: str, reason: str) -> None:
        self._use(node, name, ROUTE, reason)

    def _value(self, node: ast.AST) -> str:
        return "" if id(node) in self.safe else VALUE

    def _bind(self, name: str, dotted: str, line: int) -> None:
        self.scopes[-1][1][name] = dotted
        if len(self.scopes) == 1:
            self.facts.exports[name] = (dotted, line)

    # --- resolving -------------------------------------------------------------------------------------------
    def _lookup(self, name: str) -> str | None:
        for bound, aliases in reversed(self.scopes):
            if name in aliases:
                return aliases[name]
            if name in bound:
                return None
        return None

    def _builtin(self, name: str) -> bool:
        return all(name not in bound and name not in aliases for bound, aliases in self.scopes)

    def _dotted(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return self._lookup(node.id)
        if isinstance(node, ast.Attribute):
            base = self._dotted(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call) and node.args:
            folded = _fold(node.args[-1], {})
            exact = folded[1] and len(folded[0]) == 1 if folded else False
            callee = self._dotted(node.func) or (node.func.id if isinstance(node.func, ast.Name) else None)
            if callee == "getattr" and len(node.args) == 2 and exact and self._builtin("getattr"):
                base = self._dotted(node.args[0])
                return f"{base}.{next(iter(folded[0]))}" if base else None
            if callee == "importlib.import_module" and len(node.args) == 1 and exact:
                return next(iter(folded[0]))
        return None

    def _local(self, node: ast.AST) -> bool:
        """Whether ``node`` is a plain name or an attribute chain on one (a parameter, a variable, ``self.x``)."""
        while isinstance(node, ast.Attribute):
            node = node.value
        return isinstance(node, ast.Name)

    def _absolute(self, node: ast.ImportFrom) -> str | None:
        if not node.level:
            return node.module
        parts = self.package.split(".") if self.package else []
        if node.level - 1 > len(parts):
            return None
        base = parts[:len(parts) - node.level + 1]
        return ".".join(base + ([node.module] if node.module else [])) or None

    # --- statements ------------------------------------------------------------------------------------------
    def visit_Module(self, node: ast.Module) -> None:
        self._block(node.body)
        self.facts.symbols.discard(BODY)

    def _block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, ast.If):
                self.owners = frozenset({BODY})
                self.visit(stmt.test)
                self._block(stmt.body + stmt.orelse)
            elif isinstance(stmt, ast.Try):
                self._block(stmt.body)
                for handler in stmt.handlers:
                    self.owners = frozenset({BODY})
                    if handler.type is not None:
                        self.visit(handler.type)
                    self._block(handler.body)
                self._block(stmt.orelse + stmt.finalbody)
            else:
                self.owners = _owners(stmt)
                self.facts.symbols |= self.owners
                self.visit(stmt)

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            self._use(node, a.name, IMPORT)
            if a.asname:
                self._bind(a.asname, a.name, node.lineno)
            else:
                self._bind(a.name.split(".")[0], a.name.split(".")[0], node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = self._absolute(node)
        if module is None:
            return
        self._use(node, module, IMPORT)
        for a in node.names:
            if a.name == "*":
                if module.split(".")[0] in self.dynamic.course:
                    self._use(node, module, WHOLE)
                else:
                    self._route(node, f"from {module} import *", "a star import hides which names the file uses; "
                                                                 "import the names you need one by one")
                continue
            full = f"{module}.{a.name}"
            self._use(node, full, IMPORT)
            self._bind(a.asname or a.name, full, node.lineno)

    def visit_Assign(self, node: ast.Assign) -> None:
        if all(isinstance(t, ast.Name) for t in node.targets):
            self.safe.add(id(node.value))
        self.generic_visit(node)
        dotted = self._dotted(node.value)
        if dotted:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self._bind(target.id, dotted, node.lineno)

    def _scope(self, node: ast.AST) -> None:
        aliases: dict[str, str] = {}
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = node.args
            positional = [*a.posonlyargs, *a.args][len(a.posonlyargs) + len(a.args) - len(a.defaults):]
            pairs = [*zip(positional, a.defaults), *zip(a.kwonlyargs, a.kw_defaults)]
            aliases = {arg.arg: d for arg, default in pairs if default is not None and (d := self._dotted(default))}
            self.safe |= {id(default) for _, default in pairs}
        self.scopes.append((_scope_names(node), aliases))
        self.generic_visit(node)
        self.scopes.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _scope
    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _scope

    # --- expressions -----------------------------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        reason = self.dynamic.attributes.get(node.attr)
        own = isinstance(node.value, ast.Name) and node.value.id in _SELF_NAMES
        if reason and not (node.attr == "__dict__" and own):
            self._route(node, ast.unparse(node)[:80], reason)
        dotted = self._dotted(node)
        if dotted is not None:
            self._use(node, dotted, NAME, self._value(node))
            return
        if not own and isinstance(node.ctx, ast.Load):
            self._use(node, f".{node.attr}()", METHOD, node.attr)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        for owner in self.owners:
            self.facts.refs.setdefault(owner, set()).add(node.id)
        if not isinstance(node.ctx, ast.Load):
            return
        dotted = self._lookup(node.id)
        if dotted is not None:
            self._use(node, dotted, WHOLE, self._value(node))
        elif self._builtin(node.id):
            if node.id in self.dynamic.builtins:
                self._route(node, node.id, self.dynamic.builtins[node.id])
            elif node.id in ACCESSORS:
                self._route(node, node.id, f"{node.id} passed around as a value: {self.dynamic.computed}")

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in ACCESSORS and len(node.args) >= 2 and self._builtin(func.id):
            self._accessor(node, func.id)
            return
        self.safe.add(id(func))
        getter = self._dotted(func)
        if getter in _GETTERS:
            self._getter(node, getter)
        dotted = self._dotted(node)
        if dotted is not None:  # importlib.import_module("x")
            self._use(node, dotted, NAME, self._value(node))
        self.generic_visit(node)

    def _accessor(self, node: ast.Call, fn: str) -> None:
        obj, attr = node.args[0], node.args[1]
        base = self._dotted(obj)
        folded = _fold(attr, self.strings)
        values, exact = folded if folded else (set(), False)
        for value in sorted(values):
            if base:
                self._use(node, f"{base}.{value}", NAME, self._value(node))
            elif fn == "getattr" and not (isinstance(obj, ast.Name) and obj.id in _SELF_NAMES):
                self._use(node, f".{value}()", METHOD, value)
        if not exact:
            if base and base.split(".")[0] in self.dynamic.course:
                self._use(node, base, PATTERN, _glob(attr))
            elif base or not self._local(obj):
                what = base or ast.unparse(obj)[:60]
                self._route(node, f"{fn}({what}, <computed name>)", self.dynamic.computed)
        if base is None:
            self.visit(obj)
        for rest in [attr, *node.args[2:], *node.keywords]:
            self.visit(rest)

    def _getter(self, node: ast.Call, getter: str) -> None:
        names = node.args[:1] if getter.endswith("methodcaller") else node.args
        for arg in names:
            folded = _fold(arg, self.strings)
            if folded is None or not folded[1]:
                self._route(node, f"{getter}(<computed name>)", self.dynamic.computed)
            for value in sorted(folded[0] if folded else ()):
                self._use(node, value, ATTRNAME, getter)


def analyze(source: str | bytes, rel: str, dynamic: Dynamic) -> ModuleFacts:
    """Returns what module ``rel`` (a path under the implementation root) uses; SyntaxError if it does not parse."""
    tree = ast.parse(source, filename=rel)
    resolver = _Resolver(tree, rel, dynamic)
    resolver.visit(tree)
    return resolver.facts
