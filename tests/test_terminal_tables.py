"""Terminal tables readable at 80 and 120 columns and when piped: columns chosen by width, ids and
numbers never cut, --wide shows everything."""
import re

import pytest

from testsupport import run_cli


def table_lines(stdout):
    return [ln.rstrip() for ln in stdout.splitlines()]


@pytest.mark.parametrize("width", [80, 120])
def test_site_table_fits_the_width_and_cuts_nothing(width):
    r = run_cli("sites", "--top", "8", env={"COLUMNS": str(width)})
    assert r.returncode == 0, r.stderr
    lines = table_lines(r.stdout)
    assert max(len(ln) for ln in lines) <= width
    body = "\n".join(lines)
    csv = run_cli("sites", "--top", "8", "--format", "csv").stdout.splitlines()[1:]
    for row in csv:
        site_id, lcoe = row.split(",")[0], float(row.split(",")[-1])
        assert site_id in body  # whole ids
        assert f"{lcoe:,.1f}" in body  # whole numbers
    assert "…" not in "".join(re.findall(r"[\d.,]+…", body))
    if width == 80:
        assert "more column" in body and "--wide" in body


def test_wide_shows_every_column():
    r = run_cli("sites", "--top", "3", "--wide", env={"COLUMNS": "80"})
    assert r.returncode == 0
    for header in ("cooling", "supply", "water", "RTT", "dark"):
        assert header in r.stdout
    assert "--wide" not in r.stdout


def test_piped_output_without_columns_is_120_wide():
    env = {"COLUMNS": ""}
    r = run_cli("sites", "--top", "3", env=env)
    assert r.returncode == 0
    assert max(len(ln) for ln in table_lines(r.stdout)) <= 120


def test_fitted_table_keeps_priority_zero_columns_at_any_width():
    from rich.console import Console

    from placement.outputs.terminal import Column, fitted_table

    cols = [Column("id", lambda i: f"site-{i}-with-a-long-id", "left", priority=0),
            Column("value", lambda i: f"{i * 1234.5:,.1f}", priority=0),
            Column("extra", lambda i: "x" * 30, priority=9)]
    con = Console(width=40, record=True)
    con.print(fitted_table("t", cols, 3, width=40))
    text = con.export_text()
    assert "site-2-with-a-long-id" in text and "2,469.0" in text and "xxxx" not in text


def test_a_cold_first_run_says_it_is_compiling(tmp_path):
    import os
    import pty
    import subprocess

    from testsupport import PLACEMENT, cli_env

    master, slave = pty.openpty()  # stderr a terminal, as a person at a shell sees it
    env = cli_env({"XDG_CACHE_HOME": str(tmp_path / "cold-cache"), "NUMBA_CACHE_DIR": ""})
    env.pop("NUMBA_CACHE_DIR")
    proc = subprocess.Popen([*PLACEMENT, "sites", "--top", "1", "--format", "json"], env=env, stdout=subprocess.PIPE,
                            stderr=slave, text=True)
    os.close(slave)
    chunks = []
    while True:  # read the terminal until the child closes it
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    out, _ = proc.communicate(timeout=900)
    os.close(master)
    err = b"".join(chunks).decode()
    assert proc.returncode == 0
    assert "compiling kernels (first run only" in err
    assert out.lstrip().startswith("{")  # stdout stays one JSON document
