"""``report.md``: the one page a planner forwards — what the plan does now (its first period, by
name), what to build next for each workload, and the plan over the years; ``report.html`` shows
the same page (:mod:`placement.outputs.report_html`).

The page is a list of blocks (:func:`report_blocks`) rendered to Markdown here and to HTML there,
so the two say the same thing. Every figure names the period it is for. The numbers of the plan
over time come from its own rows (:mod:`placement.outputs.report_figures`): "now" is the first
period's rows, and the headline margin is the sum of the period margins printed.

Ids and descriptions come from user files: every such text is escaped (:func:`md`) so a tenant
called ``*evil* | [link](x)`` cannot change the page's markup.
"""
from __future__ import annotations

from placement.outputs.report_figures import build_next_by_workload, capacity_values, period_money
from placement.outputs.report_sections import (
    assignment_blocks,
    build_next_blocks,
    reliability_blocks,
    now_blocks,
    over_the_years_blocks,
    replan_blocks,
)

__all__ = ["md", "report_blocks", "report_markdown", "render_markdown", "over_the_years", "period_report_markdown"]

_MARKUP = "\\`*_[]<>|#"


def md(text) -> str:
    """``text`` safe inside Markdown (a table cell or a sentence): markup characters escaped, one line."""
    out = str(text).replace("\r", " ").replace("\n", " ")
    return "".join("\\" + ch if ch in _MARKUP else ch for ch in out)


def _header_blocks(scenario, span: str) -> list:
    blocks = [("h1", f"Capacity plan — scenario '{scenario.name}'{span}")]
    if getattr(scenario, "description", ""):
        blocks.append(("p", scenario.description))
    blocks.append(("p", f"Scenario fingerprint {scenario.fingerprint} (its content, the files it names, the bundled "
                        f"data, the package version and the kernels). Every figure names the period it is for; "
                        f"money in USD, MW of IT load."))
    return blocks


def report_blocks(plan, problem, scenario, site_scores=None, shell_scores=None, period_plan=None,
                  map_caption: str | None = None) -> list:
    """The page as blocks: ``("h1"|"h2"|"h3"|"p", text)``, ``("li", lead, text)``,
    ``("table", headers, aligns, rows)`` (aligns ``"l"``/``"r"``), ``("map", caption)`` (where the
    plan map goes). Texts are plain; the renderers escape them."""
    doc = period_plan.to_dict() if period_plan is not None else None
    labels = [p["label"] for p in doc["periods"]] if doc else []
    span = f", {labels[0]}-{labels[-1]}" if labels else ""
    blocks = _header_blocks(scenario, span)
    values = capacity_values(doc, period_plan) if doc else {}
    if doc:
        money = period_money(doc, period_plan)
        blocks += now_blocks(doc, money, scenario)
    elif plan is not None:
        blocks += assignment_blocks(plan, problem, scenario)
    if map_caption:
        blocks.append(("map", map_caption))
    blocks += build_next_blocks(build_next_by_workload(site_scores, scenario, values, labels), scenario,
                                shell_scores, doc, labels)
    blocks += reliability_blocks(site_scores, scenario, doc)
    if doc:
        blocks += over_the_years_blocks(doc, money, values, scenario)
    if plan is not None and getattr(plan, "changes", None):
        blocks += replan_blocks(plan.changes, scenario)
    return blocks


def render_markdown(blocks) -> str:
    """Markdown of :func:`report_blocks`' blocks."""
    lines = []
    for b in blocks:
        kind = b[0]
        if kind in ("h1", "h2", "h3"):
            if lines and lines[-1] != "":
                lines.append("")
            lines += ["#" * int(kind[1]) + " " + md(b[1]), ""]
        elif kind == "p":
            if lines and lines[-1] != "" and not lines[-1].startswith("#"):
                lines.append("")
            lines += [md(b[1]), ""]
        elif kind == "li":
            if lines and lines[-1].startswith("|"):
                lines.append("")
            lines.append(f"- **{md(b[1])}** {md(b[2])}" if b[1] else f"- {md(b[2])}")
        elif kind == "table":
            _, headers, aligns, rows = b
            if lines and lines[-1] != "":
                lines.append("")
            lines.append("| " + " | ".join(md(h) for h in headers) + " |")
            lines.append("|" + "|".join("---:" if a == "r" else "---" for a in aligns) + "|")
            lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
            lines.append("")
        elif kind == "map":
            if lines and lines[-1] != "":
                lines.append("")
            lines += [f"![{md(b[1])}](map.png)", ""]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def report_markdown(plan, problem, scenario, site_scores=None, shell_scores=None, period_plan=None) -> str:
    """The one-page report (module docstring)."""
    caption = None
    if period_plan is not None and period_plan.periods:
        caption = f"Plan in {period_plan.periods[0].label}, the first period: tenants' user regions to capacity"
    elif plan is not None:
        caption = f"Plan for {scenario.assignment.horizon_year}: tenants' user regions to capacity"
    return render_markdown(report_blocks(plan, problem, scenario, site_scores, shell_scores, period_plan, caption))


def over_the_years(plan, scenario) -> list[str]:
    """The plan over periods as Markdown lines (headline margin, periods, unserved, value of one
    more MW, who goes where and when)."""
    doc = plan.to_dict()
    money = period_money(doc, plan)
    text = render_markdown(over_the_years_blocks(doc, money, capacity_values(doc, plan), scenario))
    return text.splitlines() + [""]


def period_report_markdown(plan, scenario) -> str:
    """``report.md`` of ``placement plan``: the plan over the years on one page."""
    doc = plan.to_dict()
    labels = [p["label"] for p in doc["periods"]]
    blocks = _header_blocks(scenario, f", {labels[0]}-{labels[-1]}" if labels else "")
    blocks[0] = ("h1", blocks[0][1].replace("Capacity plan", "Plan over the years", 1))
    money = period_money(doc, plan)
    blocks += now_blocks(doc, money, scenario)
    blocks += over_the_years_blocks(doc, money, capacity_values(doc, plan), scenario)
    return render_markdown(blocks)
