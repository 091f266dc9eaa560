"""The forbidden-API policy finds every way of reaching a forbidden name, and nothing else."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grader.submission.policy import PolicyError, check_files, check_source, check_tree, load_policy

REPO = Path(__file__).resolve().parents[2]
POLICY = load_policy()


def names(source: str, rel: str = "optimizers/adam.py") -> list[tuple[int, str]]:
    return [(v.line, v.name) for v in check_source(textwrap.dedent(source), rel, POLICY)]


def test_direct_use_of_torch_optim_is_reported_with_line_and_name():
    found = names("""\
        import torch

        def make(params):
            return torch.optim.Adam(params)
        """)
    assert found == [(4, "torch.optim.Adam")]


def test_module_alias_is_resolved():
    found = names("""\
        import torch.nn.functional as F

        def f(x):
            return F.relu(x)
        """, "layers/activations.py")
    assert (1, "torch.nn.functional") in found
    assert (4, "torch.nn.functional.relu") in found


def test_from_import_of_a_forbidden_module_is_reported():
    found = names("""\
        from torch import optim

        opt = optim.SGD
        """)
    assert (1, "torch.optim") in found
    assert (3, "torch.optim.SGD") in found


def test_from_import_of_a_forbidden_name_is_reported_at_import_and_use():
    found = names("""\
        from torch.optim import Adam as A

        def make(p):
            return A(p)
        """)
    assert found == [(1, "torch.optim"), (1, "torch.optim.Adam"), (4, "torch.optim.Adam")]


def test_nn_alias_reaches_forbidden_modules():
    found = names("""\
        from torch import nn
        act = nn.ReLU()
        ok = nn.Linear(3, 4)
        """, "models/mlp.py")
    assert found == [(2, "torch.nn.ReLU")]


def test_getattr_and_import_module_with_constant_names_are_resolved():
    found = names("""\
        import importlib
        import torch
        sig = getattr(torch, "sigmoid")
        optim = importlib.import_module("torch.optim")
        """, "layers/activations.py")
    assert (3, "torch.sigmoid") in found
    assert (4, "torch.optim") in found


def test_tensor_methods_are_reported_but_not_numpy_functions_or_own_attributes():
    found = names("""\
        import numpy as np

        class Act:
            def forward(self, x):
                a = np.tanh(x.numpy())
                b = self.relu(x)
                return x.sigmoid() + a + b
        """, "layers/activations.py")
    assert found == [(7, ".sigmoid()")]


def test_numpy_only_files_may_not_use_torch_at_all():
    found = names("""\
        import torch
        def conv2d_forward(x, w, b, stride=1, pad=0):
            return torch.conv2d(x, w), None
        """, "layers/conv.py")
    assert (1, "torch") in found and (3, "torch.conv2d") in found
    assert names("import torch\n", "layers/normalization.py") == []


def test_permitted_torch_use_is_not_reported():
    assert names("""\
        import torch
        from torch import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(3, 4)
                self.conv = nn.Conv2d(1, 2, 3)

            def forward(self, x):
                z = torch.exp(-x.abs())
                return torch.where(x > 0, x, z).sum(dim=1).max()
        """, "models/cnn.py") == []


@pytest.mark.parametrize("impl", ["solutions", "student"])
def test_reference_trees_pass_the_policy(impl):
    violations, unparsable = check_tree(REPO / impl)
    assert violations == [] and unparsable == []


def test_command_reports_file_line_and_name_and_exits_nonzero(tmp_path):
    (tmp_path / "layers").mkdir()
    (tmp_path / "optimizers").mkdir()
    (tmp_path / "optimizers" / "adam.py").write_text("import torch\n\nclass Adam(torch.optim.Adam):\n    pass\n")
    proc = subprocess.run([sys.executable, "-m", "grader", "policy", str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "optimizers/adam.py:3: torch.optim.Adam is not allowed here" in proc.stdout


def test_malformed_policy_names_the_problem(tmp_path):
    bad = tmp_path / "policy.yaml"
    bad.write_text("files: {}\nforbid: {}\n")
    with pytest.raises(PolicyError, match="unknown key.*forbid.*valid keys"):
        load_policy(bad)


# --- dynamic routes: every way of naming an API at run time is reported, with its line ------------------------


def routes(source: str, rel: str = "layers/activations.py") -> list[tuple[int, str]]:
    return [(v.line, v.name) for v in check_source(textwrap.dedent(source), rel, POLICY)]


def test_eval_exec_and_compile_are_reported_with_their_lines():
    assert routes("""\
        x = eval("1 + 1")

        exec("import torch")
        code = compile("y = 1", "<s>", "exec")
        """) == [(1, "eval"), (3, "exec"), (4, "compile")]


def test_dunder_import_is_reported():
    assert (2, "__import__") in routes("def f():\n    return __import__('tor' + 'ch').sigmoid\n")


def test_any_import_of_importlib_is_reported():
    assert routes("import importlib\n") == [(1, "importlib")]
    assert routes("from importlib import import_module\n") == [(1, "importlib"), (1, "importlib.import_module")]


def test_sys_modules_is_reported():
    assert routes("import sys\n\ntorch = sys.modules['torch']\n") == [(3, "sys.modules")]


@pytest.mark.parametrize("source, route", [
    ("__path__.insert(0, __path__[0] + '/shadow')\n", "__path__"),  # layers/shadow/activations.py would be imported
    ("__spec__.submodule_search_locations.insert(0, 'shadow')\n", "__spec__"),
    ("import sys\n\nsys.path.insert(0, 'shadow')\n", "sys.path.insert"),
    ("from sys import meta_path\n", "sys.meta_path"),
    ("import sys\n\nsys.path_hooks.clear()\n", "sys.path_hooks.clear"),
    ("import site\n", "site"),
    ("import pkgutil\n", "pkgutil"),
    ("import zipimport\n", "zipimport"),
])
def test_a_change_of_where_python_finds_modules_is_reported(source, route):
    """A package's __init__.py that moves where Python looks would make it import other code in place of a given
    file (or of any checked one)."""
    assert route in [name for _, name in routes(source)]


def test_builtins_module_and_dunder_builtins_are_reported():
    assert routes("import builtins\n") == [(1, "builtins")]
    assert routes("g = __builtins__\n") == [(1, "__builtins__")]


def test_globals_vars_and_locals_are_reported():
    assert routes("""\
        def f(x):
            a = globals()["torch"]
            b = vars(x)
            return locals()
        """) == [(2, "globals"), (3, "vars"), (4, "locals")]


def test_a_builtin_name_the_file_binds_itself_is_not_a_route():
    assert routes("""\
        def fit(model, compile=False, vars=None):
            return compile, vars

        def g():
            return compile("1", "<s>", "eval")
        """) == [(5, "compile")]


def test_computed_attribute_of_a_foreign_module_is_reported():
    found = routes("""\
        import torch
        import torch.nn.functional as F

        def act(x, name):
            g = getattr(F, name)
            return g(x)

        nn_f = getattr(torch.nn, "functio" + "nal")
        ok = hasattr(torch, name)
        setattr(torch, name, None)
        delattr(torch.nn, name)
        """)
    assert (5, "getattr(torch.nn.functional, <computed name>)") in found
    assert (8, "torch.nn.functional") in found  # a folded constant is resolved
    assert (9, "hasattr(torch, <computed name>)") in found
    assert (10, "setattr(torch, <computed name>)") in found
    assert (11, "delattr(torch.nn, <computed name>)") in found


def test_computed_attribute_through_a_variable_a_default_or_a_nested_getattr_is_reported():
    found = routes("""\
        import torch

        def f(name, m=torch.nn):
            n = torch.nn
            a = getattr(n, name)
            b = getattr(m, name)
            return getattr(getattr(torch, "nn"), name)
        """)
    assert [line for line, name in found if "<computed name>" in name] == [5, 6, 7]
    assert all(name == "getattr(torch.nn, <computed name>)" for _, name in found)


def test_computed_attribute_of_an_object_that_is_no_local_name_is_reported():
    found = routes("""\
        import torch
        mods = [torch]

        def f(name):
            return getattr(mods[0], name), getattr(type(mods), name)
        """)
    assert found == [(2, "torch (as a value)"), (5, "getattr(mods[0], <computed name>)"),
                     (5, "getattr(type(mods), <computed name>)")]


def test_a_module_above_forbidden_names_passed_around_as_a_value_is_reported():
    assert routes("""\
        import torch
        from torch import nn

        def get(m, name):
            return getattr(m, name)

        a = get(torch.nn, "functional")
        b = get(nn, "functional")
        c = [torch]
        m = torch.nn
        ok = isinstance(a, nn.Linear) and get(nn.Linear, "weight")
        """) == [(7, "torch.nn (as a value)"), (8, "torch.nn (as a value)"), (9, "torch (as a value)")]


def test_getattr_passed_around_as_a_value_is_reported():
    assert routes("from functools import partial\nget = partial(getattr, object)\n") == [(2, "getattr")]


def test_a_constant_name_of_a_tensor_method_is_reported_however_it_is_spelled():
    assert routes("""\
        def f(x):
            n = "sig" + "moid"
            return getattr(x, "relu")() + getattr(x, n)() + getattr(x, f"{'tan'}h")()
        """) == [(3, ".relu()"), (3, ".sigmoid()"), (3, ".tanh()")]


def test_introspection_attributes_are_reported_but_not_an_objects_own_dict():
    found = routes("""\
        import torch

        class Box:
            def __init__(self, **kw):
                self.__dict__.update(kw)

        a = torch.__dict__["sigmoid"]
        b = object.__subclasses__()
        c = Box.__init__.__globals__
        d = torch.exp.__self__
        e = torch.__getattribute__("sigmoid")
        """)
    assert [(line, name) for line, name in found if "__" in name] == [
        (7, "torch.__dict__"), (8, "object.__subclasses__"), (9, "Box.__init__.__globals__"),
        (10, "torch.exp.__self__"), (11, "torch.__getattribute__")]


def test_attrgetter_and_methodcaller_are_reported_with_computed_or_forbidden_names():
    found = routes("""\
        import operator
        from operator import attrgetter, methodcaller

        def f(x, name):
            a = operator.attrgetter(name)
            b = attrgetter("nn.functional")
            c = methodcaller("sig" + "moid")(x)
            d = attrgetter("weight")(x)
            return a, b, c, d
        """)
    assert found == [(5, "operator.attrgetter(<computed name>)"),
                     (6, 'operator.attrgetter("nn.functional")'), (7, 'operator.methodcaller("sigmoid")')]


def test_star_import_of_a_foreign_module_is_reported():
    assert routes("from torch import *\n") == [(1, "from torch import *")]


def test_the_dynamic_uses_of_the_solutions_pass():
    assert routes("""\
        from layers import activations

        class TwoLayerNet:
            def __init__(self, activation="relu", sizes=(3, 4)):
                if not hasattr(activations, f"{activation}_forward"):
                    raise ValueError(activation)
                self._act_forward = getattr(activations, f"{activation}_forward")
                for i, size in enumerate(sizes):
                    setattr(self, f"fc{i}", size)

            def layer(self, i):
                return getattr(self, f"fc{i}")

        def plot(history, names=("train_loss", "val_loss")):
            return {name: getattr(history, name) for name in names}
        """, "models/two_layer_net.py") == []


def test_dynamic_routes_apply_without_a_dynamic_section_and_a_route_can_be_allowed(tmp_path):
    plain = tmp_path / "plain.yaml"
    plain.write_text("files: {}\n")
    assert [v.name for v in check_source("x = eval('1')\n", "layers/losses.py", load_policy(plain))] == ["eval"]
    allowing = tmp_path / "allowing.yaml"
    allowing.write_text("dynamic:\n  builtins:\n    eval: false\n")
    assert check_source("x = eval('1')\n", "layers/losses.py", load_policy(allowing)) == []
    assert [v.name for v in check_source("x = exec('1')\n", "layers/losses.py", load_policy(allowing))] == ["exec"]


def test_malformed_dynamic_section_names_the_problem(tmp_path):
    bad = tmp_path / "policy.yaml"
    bad.write_text("dynamic:\n  calls: {}\n")
    with pytest.raises(PolicyError, match="dynamic must be a mapping with keys among"):
        load_policy(bad)
    bad.write_text("dynamic:\n  builtins: [eval]\n")
    with pytest.raises(PolicyError, match="dynamic.builtins must map names"):
        load_policy(bad)


# --- a file's rule applies to the student code it calls in other files ---------------------------------------

HELPERS = """\
    import numpy as np
    import torch

    def pad(x):
        return np.pad(x, 1)

    def total(x):
        return torch.as_tensor(x).sum().item()

    def twice(x):
        return 2 * total(x)
    """


def tree_report(files: dict[str, str]) -> list[str]:
    return [str(v) for v in check_files({rel: textwrap.dedent(text) for rel, text in files.items()}, POLICY)]


def test_a_helper_in_a_permissive_file_called_by_a_numpy_only_file_is_reported_against_the_caller():
    found = tree_report({"utils/helpers.py": HELPERS, "layers/conv.py": """\
        from utils.helpers import pad, total

        def conv2d_forward(x, w):
            return pad(x) * total(w)
        """})
    assert found == ["layers/conv.py:4: uses utils/helpers.py:8: torch.as_tensor, which layers/conv.py may not use: "
                     "the convolution is written in numpy"]


def test_a_use_through_import_of_a_student_module_is_reported():
    found = tree_report({"utils/helpers.py": HELPERS, "layers/pool.py": """\
        import utils.helpers

        def max_pool_forward(x):
            return utils.helpers.total(x)
        """})
    assert found == ["layers/pool.py:4: uses utils/helpers.py:8: torch.as_tensor, which layers/pool.py may not use: "
                     "pooling is written in numpy"]


def test_relative_imports_are_followed():
    found = tree_report({
        "layers/helpers.py": "import torch\n\ndef total(x):\n    return torch.sum(x)\n",
        "layers/conv.py": "from . import helpers\n\ndef f(x):\n    return helpers.total(x)\n",
        "utils/helpers.py": HELPERS,
        "layers/pool.py": "from ..utils.helpers import total\n\ndef f(x):\n    return total(x)\n"})
    assert [s.split(", which")[0] for s in found] == ["layers/conv.py:4: uses layers/helpers.py:4: torch.sum",
                                                      "layers/pool.py:4: uses utils/helpers.py:8: torch.as_tensor"]


def test_a_use_two_files_away_is_reported_against_every_file_whose_rule_it_breaks():
    found = tree_report({
        "utils/helpers.py": HELPERS,
        "utils/middle.py": "from utils.helpers import twice\n\ndef g(x):\n    return twice(x)\n",
        "models/two_layer_net.py": "from utils import middle\n\ndef loss(x):\n    return middle.g(x)\n",
        "models/softmax_regression.py": "from models.two_layer_net import loss\n\ndef f(x):\n    return loss(x)\n"})
    assert [s.split(", which")[0] for s in found] == [
        "models/softmax_regression.py:4: uses utils/helpers.py:8: torch.as_tensor",
        "models/two_layer_net.py:4: uses utils/helpers.py:8: torch.as_tensor"]


def test_import_cycles_end():
    found = tree_report({"layers/a.py": "from layers.b import g\n\ndef f(x):\n    return g(x)\n",
                         "layers/b.py": "from layers.a import f\n\ndef g(x):\n    return f(x)\n",
                         "layers/conv.py": "from layers.a import f\n\ndef c(x):\n    return f(x)\n"})
    assert found == []


def test_a_forbidden_name_reexported_by_a_student_module_is_resolved():
    found = tree_report({"utils/helpers.py": "import torch.nn.functional as F\n",
                         "models/mlp.py": "from utils.helpers import F\n\ndef f(x):\n    return F.relu(x)\n"})
    assert "models/mlp.py:4: uses utils/helpers.py:1: torch.nn.functional.relu, which models/mlp.py may not use: " \
           "use tensor arithmetic and the permitted modules only" in found
    assert "utils/helpers.py:1: torch.nn.functional is not allowed here: " \
           "use tensor arithmetic and the permitted modules only" in found


def test_only_the_definitions_a_file_reaches_count():
    activations = """\
        import numpy as np
        import torch

        def relu_forward(x):
            return np.maximum(x, 0), x

        class ReLU(torch.nn.Module):
            def forward(self, x):
                return torch.where(x > 0, x, 0 * x)
        """
    assert tree_report({"layers/activations.py": activations, "models/two_layer_net.py": """\
        from layers import activations

        def f(x, name):
            return getattr(activations, f"{name}_forward")(x)
        """}) == []
    found = tree_report({"layers/activations.py": activations, "models/two_layer_net.py": """\
        from layers import activations

        def f(x, name):
            return getattr(activations, name)(x)
        """})
    assert found and all(s.startswith("models/two_layer_net.py:4: uses layers/activations.py:") for s in found)


def test_a_dynamic_route_in_called_code_is_reported_against_the_caller_too():
    found = tree_report({"utils/helpers.py": "def run(code):\n    return eval(code)\n",
                         "layers/linear.py": "from utils.helpers import run\n\nY = run('1')\n"})
    assert "layers/linear.py:3: uses utils/helpers.py:2: eval, which layers/linear.py may not use: " \
           "runs code from a string, which the check cannot see; write the code itself" in found
    assert "utils/helpers.py:2: eval is not allowed here: " \
           "runs code from a string, which the check cannot see; write the code itself" in found


def test_the_static_check_blames_the_calling_file(tmp_path):
    from grader.submission import static
    make = {"utils/helpers.py": HELPERS, "layers/linear.py": "from utils.helpers import twice\nZ = twice(3)\n"}
    for rel, text in make.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(textwrap.dedent(text))
    found = [f for f in static.check(tmp_path, []) if f.kind == static.POLICY]
    assert [(f.file, str(f)) for f in found] == [(
        "layers/linear.py", "student/layers/linear.py:2: uses utils/helpers.py:8: torch.as_tensor, "
        "which layers/linear.py may not use: this layer is written in numpy")]


def test_command_reports_a_cross_file_use_and_exits_nonzero(tmp_path):
    (tmp_path / "layers").mkdir()
    (tmp_path / "utils").mkdir()
    (tmp_path / "utils" / "helpers.py").write_text(textwrap.dedent(HELPERS))
    (tmp_path / "layers" / "conv.py").write_text("from utils.helpers import twice\n\n\ndef f(x):\n"
                                                 "    return twice(x)\n")
    proc = subprocess.run([sys.executable, "-m", "grader", "policy", str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert (f"{tmp_path.name}/layers/conv.py:5: uses utils/helpers.py:8: torch.as_tensor, which layers/conv.py "
            "may not use: the convolution is written in numpy") in proc.stdout
