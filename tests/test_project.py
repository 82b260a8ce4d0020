"""The project stands on its own: what a fresh clone needs is declared and inside it."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import sys

from helpers import ROOT

PACKAGE = ROOT / "wfh_docs"


def _declared() -> set[str]:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M)
    assert block, "pyproject.toml has no dependencies list"
    names = re.findall(r'^\s*"([A-Za-z0-9_.\-]+)', block.group(1), re.M)
    return {re.sub(r"[-_.]+", "-", n).lower() for n in names}


def _imported_top_modules() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"wfh_docs", "__future__"}


def test_every_imported_package_is_declared_with_a_range() -> None:
    declared = _declared()
    owners = importlib.metadata.packages_distributions()
    missing = []
    for module in sorted(_imported_top_modules()):
        dists = {re.sub(r"[-_.]+", "-", d).lower() for d in owners.get(module, [module])}
        if not dists & declared:
            missing.append(f"{module} ({', '.join(sorted(dists))})")
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M)
    assert block
    for line in re.findall(r'^\s*"([^"]+)"', block.group(1), re.M):
        assert "<" in line or "~=" in line, f"no upper bound: {line}"


def test_schema_references_resolve() -> None:
    for path in (ROOT / "data").rglob("*.json"):
        ref = json.loads(path.read_text(encoding="utf-8")).get("$schema")
        if isinstance(ref, str) and not ref.startswith("http"):
            assert (path.parent / ref).is_file(), f"{path.relative_to(ROOT)}: $schema {ref} does not exist"


def test_no_test_reads_outside_the_repository() -> None:
    outside = re.compile(r"ROOT\.parent\b|\.\./shared")
    for path in (ROOT / "tests").rglob("*.py"):
        if path.name != "test_project.py":
            assert not outside.search(path.read_text(encoding="utf-8")), f"{path.name} reads outside the repo"


def test_no_symlink_in_the_package() -> None:
    links = [p for p in PACKAGE.rglob("*") if p.is_symlink()]
    assert not links, f"a Windows checkout does not keep symlinks: {links}"


# Each package and what it may import, besides itself and errors/i18n (README, "Development").
ALLOWED = {
    "files": set(),
    "letter": {"files"},
    "render": {"letter", "files"},
    "check": {"render", "letter", "files"},
    "pdf": {"letter", "files"},
    "sign": {"letter", "files"},
    "batch": {"check", "pdf", "render", "letter", "files"},
    "web": {"batch", "check", "pdf", "sign", "render", "letter", "files"},
    "report": {"batch", "check", "pdf", "render", "letter", "files"},
    "cli": {"batch", "check", "pdf", "sign", "render", "letter", "files", "web", "report"},
}


def _package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "wfh_docs" else ""


def test_dependencies_run_one_way() -> None:
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if len(rel.parts) < 2:
            continue  # errors, i18n, __init__, __main__
        own = rel.parts[0]
        here = ["wfh_docs", *rel.parts[:-1]]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here[: len(here) - node.level + 1]
                    targets.append(".".join(base + ([node.module] if node.module else [])))
                elif node.module:
                    targets.append(node.module)
            elif isinstance(node, ast.Import):
                targets.extend(a.name for a in node.names)
            for target in targets:
                package = _package_of(target)
                if package and package != own and package in ALLOWED and package not in ALLOWED[own]:
                    wrong.append(f"{rel}: imports {target}")
    assert not wrong, "\n".join(wrong)


def test_only_cli_imports_click_and_only_web_imports_starlette() -> None:
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        text = path.read_text(encoding="utf-8")
        if rel.parts[0] != "cli":
            assert not re.search(r"^\s*(import|from) click\b", text, re.M), rel
        if rel.parts[0] != "web":
            assert not re.search(r"^\s*(import|from) (starlette|uvicorn)\b", text, re.M), rel


def test_the_readme_names_every_template_variable_and_style() -> None:
    from wfh_docs.render import contract

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = readme[readme.index("### Names in the template") :]
    for variable, attributes in contract.VARIABLES.items():
        assert f"`{variable}`" in names, variable
        for attribute in attributes:
            assert f"`.{attribute}`" in names, f"{variable}.{attribute}"
    for style in contract.REQUIRED_STYLES:
        assert style in names, style
