"""One import namespace: the four top-level folders install as placement, placement.kernels,
placement.catalogs and placement.cli; nothing else lands at the top of site-packages."""
import subprocess
import sys


def _python(code: str, tmp_path):
    return subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)


def test_the_package_imports_under_one_namespace(tmp_path):
    r = _python("import placement.kernels, placement.cli, placement.catalogs; print(placement.kernels.__name__)", tmp_path)
    assert r.returncode == 0, r.stderr
    for name in ("kernels", "cli", "catalogs"):
        r = _python(f"import {name}", tmp_path)
        assert r.returncode != 0 and "ModuleNotFoundError" in r.stderr, name


def test_console_script_points_into_the_namespace():
    from importlib.metadata import distribution

    scripts = {e.name: e.value for e in distribution("placement").entry_points if e.group == "console_scripts"}
    assert scripts == {"placement": "placement.cli.entry:main"}


def test_bundled_data_is_found_from_the_installed_package():
    from placement.catalogs import DATA_DIR, DEFAULT_SCENARIO

    assert (DATA_DIR / "ground_sites.csv").is_file() and DEFAULT_SCENARIO.is_file()


def test_every_source_package_is_listed_for_installation():
    """A non-editable install (what CI does) ships only the packages pyproject.toml lists; a
    sub-package left out imports in a development checkout and fails on a fresh machine."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    tool = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(tool["packages"])
    package_dir = tool["package-dir"]
    found = set()
    for name, folder in package_dir.items():
        for init in (root / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(root / folder).parts
            found.add(".".join((name, *rel)))
    assert found == listed
