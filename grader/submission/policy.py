"""The forbidden-API policy: which names each student file may not use (configs/policy.yaml).

``python -m grader policy PATH`` reports file, line and name of every use and
exits non-zero when there is one. Imports (relative ones too), aliases,
attribute chains, assignments, ``getattr(module, "name")`` and
``importlib.import_module("name")`` are resolved statically; nothing is imported
or run. Routes that could reach a name the check cannot see (``eval``,
``getattr`` with a computed name on a foreign module, ``__dict__`` ...) are
reported in every file (``dynamic`` in the policy). A file's rule also applies
to the student code it calls in other files (``check_files``, ``check_tree``).
The analysis is in ``policy_uses`` (one module) and ``policy_reach`` (the tree).
"""
from __future__ import annotations

import argparse
import ast
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from grader.contract import CONFIGS
from grader.submission.policy_reach import judge, reached_violations
from grader.submission.policy_uses import Dynamic, ModuleFacts, analyze
from grader.yamlfile import read_yaml

DEFAULT_POLICY = CONFIGS / "policy.yaml"
COURSE_PACKAGES = ("layers", "models", "optimizers", "utils")
_RUN = "runs code from a string, which the check cannot see; write the code itself"
_IMPORT = "imports a module named at run time; write a plain import"
_LOOKUP = "computed names can reach any API; name what you use directly"
_INTROSPECT = "introspection can reach any API; name what you use directly"
_SEARCH = "changes where Python finds modules (a given file could be replaced); import modules by their names"
COMPUTED = "computed names can reach any API; name the attribute directly"
# The dynamic routes when the policy file does not list them (configs/policy.yaml repeats them).
DEFAULT_DYNAMIC: dict[str, dict[str, str]] = {
    "modules": {"importlib": _IMPORT, "builtins": _LOOKUP, "sys.modules": _IMPORT, "sys._getframe": _INTROSPECT,
                "inspect": _INTROSPECT, "runpy": _RUN,
                **{name: _SEARCH for name in ("sys.path", "sys.meta_path", "sys.path_hooks", "sys.path_importer_cache",
                                              "site", "pkgutil", "zipimport")}},
    "builtins": {"eval": _RUN, "exec": _RUN, "compile": _RUN, "__import__": _IMPORT, "__builtins__": _LOOKUP,
                 "globals": _LOOKUP, "vars": _LOOKUP, "locals": _LOOKUP,
                 **{name: _SEARCH for name in ("__path__", "__spec__", "__loader__")}},
    "attributes": {**{name: _LOOKUP for name in ("__dict__", "__getattribute__", "__getattr__")},
                   **{name: _INTROSPECT for name in ("__subclasses__", "__globals__", "__builtins__", "__self__",
                                                     "f_globals", "f_locals", "f_builtins")}},
}


class PolicyError(ValueError):
    """The policy file itself is malformed."""


@dataclass(frozen=True)
class Violation:
    """One use of a forbidden name; ``via`` (file:line) when it is in student code ``path`` reaches in another file."""

    path: str
    line: int
    name: str
    reason: str
    via: str | None = None

    @property
    def message(self) -> str:
        """Returns what is wrong, without the file and line."""
        if self.via:
            return f"uses {self.via}: {self.name}, which {self.path} may not use: {self.reason}"
        return f"{self.name} is not allowed here: {self.reason}"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Policy:
    """Forbidden dotted names per file glob, forbidden tensor methods, and the dynamic routes of every file."""

    files: dict[str, dict[str, str]]
    methods: dict[str, str]
    modules: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_DYNAMIC["modules"]))
    dynamic: Dynamic = field(default_factory=lambda: Dynamic(
        dict(DEFAULT_DYNAMIC["builtins"]), dict(DEFAULT_DYNAMIC["attributes"]), COMPUTED, COURSE_PACKAGES))

    def forbidden_for(self, rel: str) -> dict[str, str]:
        """Returns the forbidden names (with reasons) that apply to file ``rel``, the dynamic modules included."""
        rules: dict[str, str] = {}
        for pattern, names in self.files.items():
            if fnmatch(rel, pattern):
                rules.update(names)
        return {**rules, **self.modules}


def _reasons(path: Path, where: str, value: object, default: dict[str, str]) -> dict[str, str]:
    """``value`` (name -> reason, or false to allow the name) over ``default``; PolicyError if malformed."""
    if value is None:
        return dict(default)
    if not isinstance(value, dict) or not all(isinstance(v, str) or v is False for v in value.values()):
        raise PolicyError(f"{path}: {where} must map names to the reason shown to students (or false to allow one)")
    merged = {**default, **value}
    return {k: v for k, v in merged.items() if v is not False}


def _dynamic(path: Path, data: object) -> tuple[dict[str, str], Dynamic]:
    """The dynamic modules and routes of the policy's ``dynamic`` section; PolicyError if malformed."""
    data = data or {}
    keys = {"modules", "builtins", "attributes", "computed", "course"}
    if not isinstance(data, dict) or set(data) - keys:
        raise PolicyError(f"{path}: dynamic must be a mapping with keys among {sorted(keys)}")
    computed, course = data.get("computed", COMPUTED), data.get("course", list(COURSE_PACKAGES))
    if not isinstance(computed, str):
        raise PolicyError(f"{path}: dynamic.computed must be the reason shown for a computed name")
    if not isinstance(course, list) or not all(isinstance(c, str) for c in course):
        raise PolicyError(f"{path}: dynamic.course must list the course packages (layers, models, ...)")
    parts = {k: _reasons(path, f"dynamic.{k}", data.get(k), DEFAULT_DYNAMIC[k]) for k in DEFAULT_DYNAMIC}
    return parts["modules"], Dynamic(parts["builtins"], parts["attributes"], computed, tuple(course))


def load_policy(path: Path = DEFAULT_POLICY) -> Policy:
    """Returns the policy in ``path``; raises PolicyError naming what is malformed."""
    data = read_yaml(path, PolicyError, "policy") or {}
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: expected a mapping with keys files, methods and dynamic")
    unknown = set(data) - {"files", "methods", "dynamic"}
    if unknown:
        raise PolicyError(f"{path}: unknown key(s) {sorted(unknown)}; valid keys: files, methods, dynamic")
    files = data.get("files") or {}
    for pattern, names in files.items():
        if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
            raise PolicyError(f"{path}: files.{pattern} must map dotted names to the reason shown to students")
    methods = data.get("methods") or {}
    if not isinstance(methods, dict):
        raise PolicyError(f"{path}: methods must map method names to reasons")
    modules, dynamic = _dynamic(path, data.get("dynamic"))
    return Policy(files=files, methods=methods, modules=modules, dynamic=dynamic)


def _own(facts: ModuleFacts, policy: Policy) -> list[Violation]:
    """The violations of one module's own code."""
    forbidden = policy.forbidden_for(facts.rel)
    found: dict[tuple[int, str], Violation] = {}
    for use in facts.uses:
        hit = judge(use, forbidden, policy.methods)
        if hit is not None:
            found.setdefault((use.line, hit[0]), Violation(facts.rel, use.line, *hit))
    return sorted(found.values(), key=lambda v: (v.line, v.name))


def check_source(source: str, rel: str, policy: Policy) -> list[Violation]:
    """Returns the violations in one module's source; ``rel`` is its path under the implementation root.

    Student code in other files is not followed (see ``check_files``); a
    computed name of a course module (``getattr(activations, name)``) is allowed.
    """
    return _own(analyze(source, rel, policy.dynamic), policy)


def check_files(sources: dict[str, str | bytes], policy: Policy) -> list[Violation]:
    """Returns the violations of a student tree given as ``rel -> source``: each file's own, and those in the
    student code each file reaches in other files (reported against the reaching file, with ``via``).

    Bytes are decoded as Python does (coding cookie); files that do not parse are skipped: report them yourself.
    """
    modules: dict[str, ModuleFacts] = {}
    unread: list[Violation] = []
    for rel, source in sorted(sources.items()):
        try:
            facts = analyze(source, rel, policy.dynamic)
        except (SyntaxError, ValueError):
            continue
        except (RecursionError, MemoryError):  # unread code could hide anything: the file is refused
            unread.append(Violation(rel, 1, "(the whole file)", "it is nested too deeply for the policy check "
                                    "to read; split its expressions and blocks up"))
            continue
        modules.setdefault(facts.module, facts)
    violations: list[Violation] = list(unread)
    for facts in modules.values():
        violations += _own(facts, policy)
        forbidden = policy.forbidden_for(facts.rel)
        for hit in reached_violations(facts, modules, forbidden, policy.methods, policy.dynamic.computed):
            violations.append(Violation(facts.rel, hit.line, hit.name, hit.reason, hit.via))
    return sorted(violations, key=lambda v: (v.path, v.line, v.via or "", v.name))


def check_tree(root: Path, policy: Policy | None = None) -> tuple[list[Violation], list[str]]:
    """Returns the violations of the .py files under ``root`` (``check_files``), and the files that do not parse."""
    policy = policy or load_policy()
    sources: dict[str, str | bytes] = {}
    unparsable: list[str] = []
    for path in sorted(Path(root).rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        rel = path.relative_to(root).as_posix()
        sources[rel] = path.read_bytes()
        try:
            ast.parse(sources[rel], rel)
        except SyntaxError as exc:
            unparsable.append(f"{rel}:{exc.lineno}: syntax error: {exc.msg}")
        except ValueError as exc:  # null bytes
            unparsable.append(f"{rel}:1: cannot be read as Python source ({exc})")
    return check_files(sources, policy), unparsable


def main(args: argparse.Namespace) -> int:
    """Returns the exit status of ``python -m grader policy PATH``, which prints every forbidden use under PATH."""
    root = Path(args.path)
    if not (root / "layers").is_dir() and (root / "student" / "layers").is_dir():
        root = root / "student"
    if not root.is_dir():
        print(f"policy: {root} is not a folder")
        return 2
    violations, unparsable = check_tree(root, load_policy(Path(args.policy or DEFAULT_POLICY)))
    for v in violations:
        print(f"{root.name}/{v}")
    for u in unparsable:
        print(f"{root.name}/{u}")
    files = len(list(root.rglob("*.py")))
    if violations or unparsable:
        print(f"policy: {len(violations)} forbidden use(s) in {root} ({files} files checked)")
        return 1
    print(f"policy: {files} files in {root} use no forbidden API")
    return 0
