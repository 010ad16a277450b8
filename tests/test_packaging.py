"""The set-up a new user relies on: dependencies in step, the command, a lazy import."""

import re
import subprocess
import sys
import tomllib

import yaml

from cosie_analysis.paths import REPO_ROOT


def _names(requirements):
    return {re.split(r"[<>=!~ \[]", r, maxsplit=1)[0].strip().lower() for r in requirements}


def test_environment_yml_has_the_same_dependencies_as_pyproject():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(
        (re.split(r"[<>=!~ ]", r, maxsplit=1)[0].lower(), r.replace(" ", ""))
        for r in project["dependencies"] + project["optional-dependencies"]["test"]
    )
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and re.split(r"[<>=!~ ]", dep, maxsplit=1)[0] not in ("python", "pip"):
            conda[re.split(r"[<>=!~ ]", dep, maxsplit=1)[0].lower()] = dep.replace(" ", "")
    assert conda == wanted, "environment.yml and pyproject.toml list different dependencies or versions"


def test_python_floor_matches():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    assert project["requires-python"] == ">=3.11"
    assert "python>=3.11" in env["dependencies"]


def test_import_is_light_and_lazy():
    code = (
        "import sys, cosie_analysis as ca; "
        "print(sorted(m for m in ('pandas','matplotlib','statsmodels') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_public_names_resolve():
    import cosie_analysis as ca

    for name in ca.__all__:
        assert getattr(ca, name) is not None, name


def test_module_entry_point_shows_help():
    out = subprocess.run([sys.executable, "-m", "cosie_analysis", "--help"], capture_output=True, text=True, check=True)
    assert "fetch" in out.stdout and "build" in out.stdout
