"""``placement latency FROM TO``: one route's RTT, path and distance, for a planner to check."""
from __future__ import annotations

import json

import click
from rich.markup import escape

from placement.cli.common import format_option, handle_errors, wide_option

from placement.outputs.terminal import Column, console, fitted_table
from placement.latency.profiles import PROFILES


@click.command("latency")
@click.argument("origin", metavar="FROM")
@click.argument("destination", metavar="TO")
@click.option("--profile", type=click.Choice(PROFILES), default="internet",
              show_default=True,
              help="internet: public internet, with the detour through Internet exchanges (WonderProxy "
                   "fit); backbone: a private cloud backbone (Azure fit); great_circle: route factor x "
                   "great circle.")
@click.option("--cables", type=click.Path(dir_okay=False), default=None,
              help="Submarine cable catalog CSV to route over instead of the bundled one (same columns).")
@format_option(("table", "json"))
@wide_option
@handle_errors
def latency_command(origin, destination, profile, cables, fmt, wide):
    """Round-trip time between two places over the route graph: RTT [ms], the path (metros and
    cables), the fibre and great-circle distances [km] and, for the internet profile, the detour
    through the two ends' Internet exchanges. FROM and TO are ground-site ids, city names ('Paris'
    or 'Paris, FR' with the ISO country code) or 'lat,lon' in degrees (after '--' when it starts
    with '-'). A city name alone must have 100,000 people or more and 10x the people of any other
    place of that name ('Atlantis' and 'Birmingham' are refused with the forms to write instead);
    with a country, 10x its namesakes in that country."""
    from placement.latency.routes import check_reachable, describe_route
    from placement.latency.places import place_coordinates

    from placement.catalogs.validation import require_file

    if cables is not None:
        require_file("--cables", None, cables)
    a = place_coordinates("FROM", origin)
    b = place_coordinates("TO", destination)
    check_reachable("FROM", a[1], a[2])
    check_reachable("TO", b[1], b[2])
    route = describe_route(a[1], a[2], b[1], b[2], profile=profile, cables_csv=cables)
    others = {}
    for other in PROFILES:
        if other != profile:
            others[other] = describe_route(a[1], a[2], b[1], b[2], profile=other, cables_csv=cables)["rtt_ms"]
    doc = {"from": {"place": a[0], "lat_deg": a[1], "lon_deg": a[2]},
           "to": {"place": b[0], "lat_deg": b[1], "lon_deg": b[2]}, **route,
           "rtt_ms_other_profiles": others}
    if fmt == "json":
        click.echo(json.dumps(doc, indent=2))
        return
    con = console(wide=wide)
    line = f"{a[0]} -> {b[0]}: {route['rtt_ms']:.1f} ms round trip ({profile})"
    if "fibre_km" in route:
        line += f", {route['fibre_km']:,.0f} km of fibre"
    line += f" over {route['great_circle_km']:,.0f} km great circle"
    con.print(escape(line))
    hops = route["path"]
    if hops:
        cols = [Column("#", lambda i: str(i + 1), priority=0),
                Column("node", lambda i: hops[i]["node"], "left", priority=0),
                Column("country", lambda i: hops[i]["country"], "left", priority=1),
                Column("kind", lambda i: hops[i]["kind"], "left", priority=2),
                Column("reached by", lambda i: hops[i]["via"], "left", priority=0)]
        con.print(fitted_table("Path (shortest fibre path through the route graph)", cols, len(hops),
                               width=con.width, wide=wide))
    detour = route.get("exchange_detour")
    if detour and detour["weight"] > 0 and detour["detour_km"] > 0:
        con.print(escape(f"exchange detour: +{detour['detour_km']:,.0f} km via {' and '.join(detour['exchanges'])} "
                         f"exchanges ({detour['weight']:.0%} priced)"))
    con.print(escape("other profiles: " + ", ".join(f"{k} {v:.1f} ms" for k, v in others.items())))
