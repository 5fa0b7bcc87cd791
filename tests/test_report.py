"""report.md and report.html of a default ``placement run`` (issue 20 item 6): one page, every figure
dated, "now" is the first period by name and equals its rows in plan_periods.json, the headline
margin is the sum of the period margins printed, one "build next" line per workload, and a
self-contained report.html that a real headless browser renders without a console message or a
single network request."""
from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from testsupport import run_cli

WORKLOADS = ("training", "inference")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """One default run, shared by every test of the module."""
    folder = tmp_path_factory.mktemp("run") / "out"
    r = run_cli("run", "--out", str(folder), "--top", "3")
    assert r.returncode == 0, r.stderr
    return folder


@pytest.fixture(scope="module")
def report(out) -> str:
    return (out / "report.md").read_text()


@pytest.fixture(scope="module")
def plan_doc(out) -> dict:
    return json.loads((out / "plan_periods.json").read_text())


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _section(report: str, heading_start: str) -> str:
    m = re.search(rf"^## {re.escape(heading_start)}.*?(?=^## |\Z)", report, flags=re.M | re.S)
    assert m, heading_start
    return m.group(0)


def _table_after(text: str, header_start: str) -> list[list[str]]:
    lines = text.splitlines()
    k = next(i for i, ln in enumerate(lines) if ln.startswith(header_start))
    rows = []
    for ln in lines[k + 2:]:
        if not ln.startswith("|"):
            break
        rows.append([c.strip() for c in ln.strip("|").split("|")])
    return rows


def _period_margin_usd(doc: dict, label: str) -> float:
    """The period's margin as the plan itemises it; the sum of its rows where it gives none."""
    period = next(p for p in doc["periods"] if p["label"] == label)
    if period.get("margin_usd") is not None:
        return period["margin_usd"]
    return sum(r["margin_usd"] for r in doc["records"] if r["period"] == label)


# --- report.md --------------------------------------------------------------------------------------

def test_report_md_is_one_page(report):
    assert len(report.splitlines()) <= 80


def test_now_is_the_first_period_by_name_and_equals_its_rows(report, plan_doc):
    first = plan_doc["periods"][0]["label"]
    now = _section(report, "The plan now")
    assert now.splitlines()[0] == f"## The plan now: {first}, the first period"
    rows = [r for r in plan_doc["records"] if r["period"] == first]
    served = sum(r["mw"] for r in rows)
    unserved = sum(u["mw"] for u in plan_doc["unserved"] if u["period"] == first)
    m = re.search(rf"\*\*Served in {first}:\*\* ([\d,]+) MW of ([\d,]+) MW demanded; unserved ([\d,]+) MW", now)
    assert m, now
    # MW as printed: whole MW (a GPU pool's are its GPUs x their kW)
    assert (_number(m[1]), _number(m[2]), _number(m[3])) == (round(served), round(served + unserved), round(unserved))
    m = re.search(rf"\*\*Margin in {first}:\*\* (-?[\d,]+) M USD on ([\d,]+) M USD of revenue", now)
    assert m, now
    assert _number(m[1]) == round(_period_margin_usd(plan_doc, first) / 1e6)
    assert _number(m[2]) == round(sum(r["revenue_usd"] for r in rows) / 1e6)
    # the table of the period is its rows: tenant, capacity and MW
    table = _table_after(now, "| tenant | capacity |")
    tenant, printed = "", set()
    for cells in table:
        tenant = cells[0] or tenant
        printed.add((tenant, cells[1], _number(cells[2])))
    assert printed == {(r["tenant"], r["capacity_id"], round(r["mw"])) for r in rows}
    # the period's figures say which period they are for
    assert all(first in ln for ln in now.splitlines() if ln.startswith("- **"))


def test_headline_margin_is_the_sum_of_the_period_margins_printed(report, plan_doc):
    labels = [p["label"] for p in plan_doc["periods"]]
    years = _section(report, "Over the years")
    m = re.search(rf"\*\*Margin {labels[0]}-{labels[-1]}:\*\* (-?[\d,]+) M USD", years)
    assert m, years
    table = _table_after(years, "| period |")
    assert [row[0] for row in table] == labels
    margins = [_number(row[4]) for row in table]
    assert _number(m[1]) == sum(margins)
    # each period's margin is the plan's to within the rounding to whole millions (each at most 1 M
    # USD off), and together they are the plan's own total rounded
    exact = [_period_margin_usd(plan_doc, p) / 1e6 for p in labels]
    assert all(abs(a - b) < 1.0 for a, b in zip(margins, exact))
    assert sum(margins) == round(plan_doc["margin_usd"] / 1e6)


def test_one_build_next_line_per_workload_with_cost_time_to_power_and_value(report, out, plan_doc):
    from placement.ground.workloads import build_next
    from placement.scenario import default_scenario

    sc = default_scenario()
    lines = [ln for ln in report.splitlines() if ln.startswith("- **Build next for")]
    assert sorted(ln.split(":**")[0] for ln in lines) == sorted(f"- **Build next for {w}" for w in WORKLOADS)
    sites = json.loads((out / "sites.json").read_text())["records"]
    capacity_ids = {c.id for c in sc.capacity}
    first = plan_doc["periods"][0]["label"]
    values = {(r["capacity_id"], r["period"]): r["value_usd_per_mw_month"] for r in plan_doc.get("capacity_values", [])
              if "value_usd_per_mw_month" in r}
    for workload in WORKLOADS:
        (line,) = [ln for ln in lines if ln.startswith(f"- **Build next for {workload}:**")]
        best = build_next(sites, workload,
                          latency_penalty_usd_per_mwh_per_ms=sc.assignment.latency_penalty_usd_per_mwh_per_ms)
        assert f":** {best['id']} " in line
        assert "USD" in line and "MWh" in line  # cost
        assert re.search(r"first power 20\d\d-\d\d \(\d+ months after the plan starts", line)  # time to power, dated
        if best["id"] in capacity_ids:
            value = values.get((best["id"], first))
            assert f"{value:,.0f} USD/MW-month in {first}" in line
        else:
            assert "not yet in the plan" in line


def test_the_plan_builds_and_how_it_was_solved_read_as_in_the_plan(report, plan_doc):
    """The plan's build decisions (plan_periods.json ``builds``) and its proof read the same in the
    report: one line per build with its MW, first period and capital in M USD."""
    assert plan_doc["method"] == "horizon" and plan_doc["builds"]
    (line,) = [ln for ln in report.splitlines() if ln.startswith("- **The plan builds:**")]
    for b in plan_doc["builds"]:
        gpus = f" ({b['gpus']:,} {b['generation']})" if "gpus" in b else ""  # a build fitted with GPUs
        assert (f"{b['capacity_id']} {round(b['mw']):,} MW{gpus} from {b['period']} "
                f"(capital {round(b['capital_usd'] / 1e6):,} M USD)") in line
    proof = "whole horizon, proven optimal" if plan_doc["optimality_gap_usd"] == 0 else "time limit reached"
    span = f"{plan_doc['periods'][0]['label']}-{plan_doc['periods'][-1]['label']}"
    (margin,) = [ln for ln in report.splitlines() if ln.startswith(f"- **Margin {span}:**")]
    assert f"; solved {proof}" in margin


def test_every_line_with_money_or_mw_names_its_period(report, plan_doc):
    labels = {p["label"] for p in plan_doc["periods"]}
    years = re.compile("|".join(sorted(labels)))
    for ln in report.splitlines():
        if ln.startswith("- **") and re.search(r"\d[\d,]* (M USD|MW|USD)", ln):
            assert years.search(ln), ln


# --- report.html ------------------------------------------------------------------------------------

def test_report_html_is_self_contained(out):
    page = (out / "report.html").read_text()
    tags = re.findall(r"<(?:script|link|img|iframe|source|embed|object)\b[^>]*>", page, flags=re.I)
    sources = [t for t in tags if re.search(r"\b(?:src|href|data)\s*=", t, flags=re.I)]
    assert not [t for t in sources if re.search(r"(?:https?:)?//", t)], sources
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert len(page) > 1_000_000 and "plotly" in page.lower()  # plotly.js inlined
    assert 'id="plan-map"' in page


def test_report_html_is_the_same_page(out, report):
    import html

    page = html.unescape((out / "report.html").read_text())
    for ln in report.splitlines():
        if ln.startswith("#"):
            assert ln.lstrip("# ").replace("\\", "") in page, ln
    years = _section(report, "Over the years")
    for row in _table_after(years, "| period |"):
        assert all(f">{cell}<" in page for cell in row), row


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


class _RequestLog:
    """A listener posing as the browser's HTTP proxy: every request the browser makes, for http
    or (as CONNECT) https, reaches it and is written down; none is answered."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(32)
        self.port = self.server.getsockname()[1]
        self.lines: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            conn.settimeout(2)
            try:
                self.lines.append(conn.recv(4096).split(b"\r\n")[0].decode("latin-1"))
            except OSError:
                pass
            conn.close()

    def hosts(self) -> set[str]:
        out = set()
        for ln in self.lines:
            parts = ln.split()
            if len(parts) >= 2:
                target = parts[1]
                out.add(re.sub(r"^[a-z]+://", "", target).split("/")[0].split(":")[0])
        return out

    def close(self):
        self.server.close()


def _browse(chromium: str, page: Path, profile: Path, log: _RequestLog) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
         f"--user-data-dir={profile}", f"--proxy-server=http://127.0.0.1:{log.port}", "--proxy-bypass-list=<-loopback>",
         "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--no-pings", "--disable-domain-reliability", "--disable-breakpad",
         "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate",
         "--virtual-time-budget=10000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=180)


def test_report_html_renders_in_a_headless_browser_offline(out, tmp_path):
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no chromium binary (chromium, chromium-browser, google-chrome) on this machine")
    # the browser's own traffic (sign-in, time, ...) on a blank page, to tell it from the page's
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>")
    log = _RequestLog()
    try:
        _browse(chromium, blank, tmp_path / "profile-blank", log)
        own = log.hosts()
        log.lines.clear()
        r = _browse(chromium, out / "report.html", tmp_path / "profile", log)
    finally:
        log.close()
    assert r.returncode == 0, r.stderr[-2000:]
    console = [ln for ln in r.stderr.splitlines() if ":CONSOLE" in ln]
    assert not console, console
    fetched = {h for h in log.hosts() - own if not (h == "google.com" or h.endswith(".google.com"))}
    assert not fetched, f"the page asked the network for: {sorted(fetched)} ({log.lines})"
    dom = r.stdout
    start = dom.find('id="plan-map"')
    assert start >= 0
    plot = dom[start:]
    # plotly drew: its SVG layers with the traces inside the map's div
    assert re.search(r'<svg[^>]*class="main-svg"', plot)
    assert 'class="scatterlayer' in plot and plot.count('class="trace scatter') >= 5
    assert "Plan in " in plot  # the title, dated
