"""More hostile input (issue 20, item 9, and the ``[workload]`` table of item 2): a table where a
text is expected, a cut TLE line, an ambiguous or tiny place name, an unknown compare id, an
unknown workload. Each ends in exit 2 and one line on stderr; the good neighbours keep working."""
import dataclasses
import json

import pytest
from test_hostile_input import one_error_line
from testsupport import DATA, run_cli, run_cli_process

from placement.errors import InputError
from placement.scenario import DEFAULT_WORKLOAD, WORKLOADS, check_scenario, default_scenario, load_scenario


# --- [scenario] text fields -------------------------------------------------------------------

@pytest.mark.parametrize("text,field,kind", [
    ("[scenario]\nname = { x = 1 }\n", "scenario.name", "a table"),
    ("[scenario]\nname = 3\n", "scenario.name = 3", "a number"),
    ("[scenario]\nname = [\"a\"]\n", "scenario.name", "an array"),
    ("[scenario]\ndescription = { x = 1 }\n", "scenario.description", "a table"),
    ("[scenario]\ndescription = true\n", "scenario.description = True", "a boolean"),
])
def test_a_scenario_text_field_that_is_not_a_text_is_refused(tmp_path, text, field, kind):
    path = tmp_path / "s.toml"
    path.write_text(text)
    line = one_error_line(run_cli("assign", str(path)))
    assert line.startswith(f"placement: error: {path}: {field}") and "must be a text" in line and kind in line, line


def test_a_python_built_scenario_with_a_table_for_a_name_is_refused():
    sc = default_scenario()
    for key in ("name", "description"):
        with pytest.raises(InputError, match=rf"scenario\.{key}: must be a text, not dict"):
            check_scenario("plan", dataclasses.replace(sc, **{key: {"x": 1}}))


# --- [workload] ---------------------------------------------------------------------------------

def test_workloads_are_training_and_inference_and_the_default_is_inference(tmp_path):
    assert WORKLOADS == ("training", "inference") and DEFAULT_WORKLOAD == "inference"
    assert default_scenario().workload == "inference"
    plain = tmp_path / "plain.toml"
    plain.write_text('[scenario]\nname = "plain"\n')
    assert load_scenario(plain).workload == "inference"
    for kind in WORKLOADS:
        path = tmp_path / f"{kind}.toml"
        path.write_text(f'[workload]\nkind = "{kind}"\n')
        assert load_scenario(path).workload == kind


@pytest.mark.parametrize("text,words", [
    ('[workload]\nkind = "batch"\n', "workload.kind = 'batch': expected one of training, inference"),
    ('[workload]\nkind = 3\n', "workload.kind = 3: expected one of training, inference"),
    ('[workload]\nkind = { a = 1 }\n', "workload.kind: expected one of training, inference"),
    ('[workload]\nkind = "training"\nshare = 0.5\n', "workload.share = 0.5: unknown key (allowed: kind)"),
    ('workload = "training"\n', "workload = 'training': must be a table"),
])
def test_a_bad_workload_is_refused_naming_the_field(tmp_path, text, words):
    path = tmp_path / "s.toml"
    path.write_text(text)
    line = one_error_line(run_cli("run", str(path), "--out", str(tmp_path / "out")))
    assert line == f"placement: error: {path}: {words}", line
    assert not (tmp_path / "out").exists()


def test_a_python_built_scenario_with_an_unknown_workload_is_refused():
    sc = default_scenario()
    with pytest.raises(InputError, match=r"scenario\.workload = 'batch': expected one of training, inference"):
        check_scenario("assign", dataclasses.replace(sc, workload="batch"))
    good = dataclasses.replace(sc, workload="training")
    assert check_scenario("assign", good).workload == "training"


# --- TLE lines ----------------------------------------------------------------------------------

def _iss_lines():
    return (DATA / "iss-2014.tle").read_text().splitlines()


@pytest.mark.parametrize("which,cut,file_line", [(1, 40, 2), (2, 50, 3), (1, 75, 2)])
def test_a_tle_line_that_is_not_69_characters_is_refused_naming_the_line(tmp_path, which, cut, file_line):
    name, line1, line2 = _iss_lines()
    lines = [line1, line2]
    lines[which - 1] = (lines[which - 1] + "0" * 10)[:cut]
    path = tmp_path / "cut.tle"
    path.write_text("\n".join([name, *lines]) + "\n")
    line = one_error_line(run_cli("shells", "--tle", str(path), "--days", "1", "--start", "2014-01-21"))
    assert line == (f"placement: error: {path} line {file_line}: TLE line {which}: {cut} characters, "
                    f"a TLE line has 69 (cut short or run on?)"), line


def test_a_whole_tle_with_trailing_blanks_and_crlf_is_still_read(tmp_path):
    name, line1, line2 = _iss_lines()
    path = tmp_path / "ok.tle"
    path.write_bytes(f"{name}\r\n{line1}   \r\n{line2}\t\r\n".encode())
    r = run_cli("shells", "--tle", str(path), "--days", "1", "--start", "2014-01-21", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["records"][0]["inclination_deg"] == pytest.approx(51.6498, abs=1e-3)


def test_shell_from_tle_checks_each_line_length():
    from placement.orbit.elements import shell_from_tle

    _, line1, line2 = _iss_lines()
    with pytest.raises(InputError, match=r"^api: line 1: 40 characters, a TLE line has 69"):
        shell_from_tle("api", line1[:40], line2)
    with pytest.raises(InputError, match=r"^api: line 2: 68 characters"):
        shell_from_tle("api", line1, line2[:68])
    assert shell_from_tle("api", line1 + "  ", line2 + "\n").inclination_deg == pytest.approx(51.6498, abs=1e-3)


# --- place names --------------------------------------------------------------------------------

@pytest.mark.parametrize("place,words", [
    ("Atlantis", ["FROM = 'Atlantis'", "only a small place", "'Atlantis, ZA' (82,736 people)", "'lat,lon'"]),
    ("Birmingham", ["FROM = 'Birmingham'", "3 places", "'Birmingham, GB'", "(Birmingham, US, 196,357 people)"]),
    ("Springfield, US", ["places have this name in US", "and 2 more", "'lat,lon'"]),
    ("Hyderabad", ["'Hyderabad, IN'", "'Hyderabad, PK'"]),
])
def test_an_ambiguous_or_tiny_place_is_refused_with_the_forms_to_write(place, words):
    line = one_error_line(run_cli("latency", place, "London"))
    assert line.startswith("placement: error: ")
    for w in words:
        assert w in line, line


def test_the_forms_a_refusal_offers_resolve():
    for offered in ("Atlantis, ZA", "Birmingham, GB", "33.521,-86.802", "Hyderabad, PK"):
        r = run_cli("latency", offered, "London", "--format", "json")
        assert r.returncode == 0, (offered, r.stderr)


@pytest.mark.parametrize("place,resolved", [
    ("London", "London, GB"), ("Tokyo", "Tokyo, JP"), ("Paris", "Paris, FR"), ("Paris, US", "Paris, US"),
    ("New York", "New York City, US"), ("Boston", "Boston, US"), ("Sao Paulo", "São Paulo, BR"),
    ("Johannesburg", "Johannesburg, ZA"), ("Bombay", "Mumbai, IN"),
])
def test_big_unambiguous_cities_still_resolve(place, resolved):
    from placement.latency.places import place_coordinates

    assert place_coordinates("FROM", place)[0] == resolved


def test_the_readme_latency_example_still_runs():
    r = run_cli("latency", "London", "Boston", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["from"]["place"] == "London, GB" and doc["to"]["place"] == "Boston, US"


def test_a_tiny_place_is_refused_in_a_real_process():
    r = run_cli_process("latency", "Atlantis", "London")
    assert "'Atlantis, ZA'" in one_error_line(r)


# --- compare ids --------------------------------------------------------------------------------

@pytest.mark.parametrize("args,field", [(("nosuch", "suncatcher-650-dd18"), "site_id"),
                                        (("colossus-1", "nosuch"), "shell_id")])
def test_an_unknown_compare_id_lists_each_known_id_once(args, field):
    line = one_error_line(run_cli("compare", *args))
    assert f"{field} = 'nosuch': unknown" in line
    known = line.split("known: ", 1)[1].split(" and ")[0].split(", ")
    assert len(known) == len(set(known)) and len(known) > 5, known
    assert known == sorted(known)
