"""The public API is documented: every function exported from ``placement`` has a numpydoc
docstring whose Parameters match its signature, with units in brackets, a Returns section, a
Raises section naming the input error, and References (the STUMPY docstring check, and the
pvlib / networkx docstring habits)."""
import inspect
import re

import pytest

import placement

SECTION = re.compile(r"^(\s*)([A-Z][A-Za-z ]+)\n\1-{3,}\s*$", re.M)
PARAM = re.compile(r"^(\*{0,2}[A-Za-z_][A-Za-z0-9_]*)(?:\s*,\s*(\*{0,2}[A-Za-z_][A-Za-z0-9_]*))*\s*:", re.M)
# the unit of a physical parameter in brackets: [deg], [MW], [USD/MWh], [-] for dimensionless
UNIT = re.compile(r"\[[^\]]+\]")


def sections(doc: str) -> dict:
    """numpydoc section name -> its text (dedented)."""
    doc = inspect.cleandoc(doc or "")
    heads = list(SECTION.finditer(doc))
    out = {}
    for k, m in enumerate(heads):
        end = heads[k + 1].start() if k + 1 < len(heads) else len(doc)
        out[m.group(2).strip()] = doc[m.end():end]
    return out


def documented_parameters(doc: str) -> list[str]:
    text = sections(doc).get("Parameters", "")
    names = []
    for line in text.splitlines():
        if line and not line[0].isspace():
            m = PARAM.match(line)
            if m:
                names += [n.strip() for n in line.split(":")[0].split(",")]
    return names


def signature_parameters(fn) -> list[str]:
    out = []
    for p in inspect.signature(fn).parameters.values():
        if p.name in ("self", "cls"):
            continue
        prefix = "*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD else ""
        out.append(prefix + p.name)
    return out


def docstring_problems(fn) -> list[str]:
    """What is wrong with ``fn``'s docstring (empty when it is complete)."""
    doc = fn.__doc__ or ""
    parts = sections(doc)
    name = getattr(fn, "__qualname__", repr(fn))
    problems = []
    for required in ("Parameters", "Returns", "Raises", "References"):
        if required not in parts and not (required == "Parameters" and not signature_parameters(fn)):
            problems.append(f"{name}: no {required} section")
    documented, actual = documented_parameters(doc), signature_parameters(fn)
    if documented != actual:
        problems.append(f"{name}: docstring parameters {documented} != signature {actual}")
    if "Raises" in parts and "InputError" not in parts["Raises"]:
        problems.append(f"{name}: Raises does not name InputError")
    if "Returns" in parts and not UNIT.search(parts["Returns"]) and "Plan" not in parts["Returns"] \
            and "Scenario" not in parts["Returns"] and "Shell" not in parts["Returns"]:
        problems.append(f"{name}: Returns gives no unit in brackets")
    return problems


def exported_functions():
    for name in placement.__all__:
        obj = getattr(placement, name)
        if inspect.isfunction(obj):
            yield name, obj


@pytest.mark.parametrize("name,fn", list(exported_functions()), ids=lambda x: x if isinstance(x, str) else "")
def test_exported_function_is_documented(name, fn):
    assert docstring_problems(fn) == []


def test_the_check_fails_when_a_parameter_is_renamed_without_its_docstring():
    def renamed(lat_deg, longitude_deg):
        """Something.

        Parameters
        ----------
        lat_deg : float
            Latitude [deg].
        lon_deg : float
            Longitude [deg].

        Returns
        -------
        float
            Distance [km].

        Raises
        ------
        InputError
            Bad coordinates.

        References
        ----------
        .. [1] Somebody (2000).
        """

    problems = docstring_problems(renamed)
    assert len(problems) == 1 and "lon_deg" in problems[0] and "longitude_deg" in problems[0]


def test_exported_classes_are_documented():
    for name in placement.__all__:
        obj = getattr(placement, name)
        if inspect.isclass(obj):
            assert (obj.__doc__ or "").strip(), name
