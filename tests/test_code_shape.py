"""Rules about the code itself that reviews asked for, kept by tests."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))


def _project_modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_import_cycle_is_hidden_in_a_function():
    """Imports of the project's own modules sit at the top of a module, where a cycle
    shows; only an AppConfig.ready may import models late, as Django requires."""
    hidden = []
    for path in _project_modules():
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if path.name == "apps.py" and function.name == "ready":
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                if any(name.split(".")[0] in APPS for name in names):
                    hidden.append(f"{path.relative_to(ROOT)}:{node.lineno} in {function.name}")
    assert hidden == []


def test_the_comment_model_imports_nothing_above_it():
    """comments/models.py uses what sits below it (fragments, tree, the text rules);
    the renderer and the emails import the model, never the other way round."""
    tree = ast.parse((ROOT / "comments" / "models.py").read_text())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    for above in ("comments.thread", "comments.notifications", "comments.discussion"):
        assert above not in imported


def test_roles_are_asked_of_accounts_roles_only():
    """No view, model or template decides a role from a permission of its own."""
    offenders = []
    for path in _project_modules():
        text = path.read_text()
        if "has_perm(" in text and path.name != "roles.py":
            offenders.append(str(path.relative_to(ROOT)))
    for path in (ROOT / "templates").rglob("*.html"):
        if "perms." in path.read_text():
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
