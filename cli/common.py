"""What every ``placement`` command shares: the error contract, shared options, output helpers.

Exit status: 0 ok; 2 bad input or an environment problem (one line on stderr,
``placement: error: WHERE: FIELD = VALUE: why``, no traceback), click's own usage errors
included; 130 interrupted (Ctrl-C; the line says which outputs are in place); 1 internal error.
"""
from __future__ import annotations

import functools
import os
import sys

import click

FORMATS = ("table", "json", "csv")


def fail(message: str, code: int = 2):
    """Print one line on stderr and exit."""
    click.echo(f"placement: {message}".replace("\n", "; "), err=True)
    sys.exit(code)


def interrupted():
    """Ctrl-C: one line saying truthfully which outputs are in place, exit 130."""
    message = "interrupted before any output was written"
    if "placement.outputs.files" in sys.modules:
        message = sys.modules["placement.outputs.files"].interrupted_message()
    click.echo(f"placement: {message}", err=True)
    _exit_interrupted()


def _exit_interrupted():
    """Exit 130 at once. A Ctrl-C landing inside some compiled extensions' import code leaves
    CPython's "unhandled KeyboardInterrupt" flag set, and a normal exit would then re-raise
    SIGINT at shutdown (status -2, not 130) although the interrupt was handled; the output sets
    were already restored while the interrupt unwound, so nothing is left to finish."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)


def handle_errors(fn):
    """Bad input -> one line + exit 2; Ctrl-C -> one line + exit 130; anything else -> one line + exit 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from placement.catalogs.validation import InputError

        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            fail(f"error: {in_command_line_words(exc)}")
        except KeyboardInterrupt:
            interrupted()
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except MemoryError:
            fail("error: out of memory; try a smaller problem (a coarser grid, fewer days, fewer shells)")
        except Exception as exc:  # noqa: BLE001
            entry = sys.modules.get("placement.cli.entry")
            if entry is not None and entry.interrupted_by_ctrl_c():
                interrupted()  # a Ctrl-C that an extension's import turned into another error
            if os.environ.get("PLACEMENT_DEBUG"):
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (set PLACEMENT_DEBUG=1 for a traceback)", 1)

    return wrapper


#: Fields the library's messages name -> the options that set them (the library names fields,
#: never flags; these calls are the ones the commands make with their options).
OPTION_OF_FIELD = {"days": "--days", "step_s": "--step-s", "resolution_deg": "--resolution-deg", "failed": "--fail",
                   "evicted": "--evict"}
LIBRARY_CALLS = ("score_shells", "scan", "assign")


def in_command_line_words(exc) -> str:
    """The one-line message of an :class:`InputError`, naming the command's option where the
    library named the argument it sets."""
    from placement.errors import InputError

    if exc.where in LIBRARY_CALLS and exc.field in OPTION_OF_FIELD:
        return str(InputError("command line", OPTION_OF_FIELD[exc.field], exc.value, exc.problem))
    if exc.where == "quote: new_tenant":
        return str(InputError("--tenant", exc.field, exc.value, exc.problem))
    return str(exc)


def click_error_line(exc: click.ClickException) -> str:
    """One line for one of click's own errors (bad option, bad choice, missing argument...)."""
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx) if exc.ctx is not None else exc.param.name
        return f"error: {hint.replace(chr(39), '')}: {exc.message}"
    text = exc.format_message().rstrip(".")
    return f"error: {text} (see placement --help)"


def run_entry(group, argv=None):
    """Run the command tree so that click's errors follow the same one-line contract."""
    try:
        note_cold_start()
        code = group.main(args=argv, prog_name="placement", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        interrupted()
    except click.ClickException as exc:
        fail(click_error_line(exc), 2)
    sys.exit(code if isinstance(code, int) else 0)


def wide_option(fn):
    return click.option("--wide", is_flag=True,
                        help="Show every table column, however wide (default: the columns that fit the terminal; "
                             "COLUMNS sets the width).")(fn)


def device_option(fn):
    return click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True,
                        help="Where kernels run; auto takes a usable GPU, else the CPU.")(fn)


def yes_option(fn):
    return click.option("--yes", "allow_large", is_flag=True,
                        help="Plan even past the size limits (tenants; tenants x capacities x periods).")(fn)


def rolling_option(fn):
    return click.option("--rolling", is_flag=True,
                        help="Plan period by period, each from the one before (no foresight; for plans too large "
                             "to solve whole). Default: the whole horizon at once, proven optimal.")(fn)


def outside_paths_option(fn):
    return click.option("--allow-outside-paths", is_flag=True,
                        help="Let the scenario read files outside its own folder and the bundled catalogs "
                             "(only for scenarios you trust).")(fn)


def format_option(choices=FORMATS):
    told = {"table": "table for people", "json": "json prints one JSON document and nothing else",
            "csv": "csv one table"}
    return click.option("--format", "fmt", type=click.Choice(choices), default="table", show_default=True,
                        help="; ".join(told[c] for c in choices) + ".")


def load(scenario, allow_outside_paths=False):
    """The scenario named on the command line, or the bundled default."""
    from placement.scenario import default_scenario, load_scenario

    return load_scenario(scenario, allow_outside_paths=allow_outside_paths) if scenario else default_scenario()


def number(name, value, quantity=None, **bounds):
    """A command-line number checked as the scenario's numbers are: finite, within the bounds of
    ``quantity`` in :data:`placement.bounds.BOUNDS` (the ones the scenario loader and the API use),
    or within ``bounds`` for an option of the command line alone."""
    from placement.bounds import check
    from placement.catalogs.validation import require_number

    if value is None:
        return None
    if quantity is not None:
        return check("command line", name, value, quantity)
    return require_number("command line", name, value, **bounds)


def orbit_options(parameters, launch_year=None, launch_usd_per_kg=None, solar=None, no_battery=False):
    """``parameters`` with the command line's orbit choices applied (each checked first)."""
    import dataclasses

    from placement.catalogs.validation import InputError

    o = parameters.orbit
    changes = {}
    if launch_year is not None and launch_usd_per_kg is not None:
        raise InputError("command line", "--launch-year", launch_year, "give --launch-year or --launch-usd-per-kg, not both")
    if launch_year is not None:
        from placement.orbit.launch_prices import trajectory

        t = trajectory(o.launch_trajectory, "command line", o.heavy_reusable_year)
        changes.update(launch_year=int(number("--launch-year", launch_year, integer=True, low=t.first_year,
                                              high=t.last_year)), launch_usd_per_kg=None)
    if launch_usd_per_kg is not None:
        changes.update(launch_usd_per_kg=number("--launch-usd-per-kg", launch_usd_per_kg, low=0.0, high=1e6),
                       launch_year=None)
    if solar is not None:
        changes["solar_technology"] = solar
    if no_battery:
        changes["storage"] = "none"
    return dataclasses.replace(parameters, orbit=dataclasses.replace(o, **changes)) if changes else parameters


_COLD_START = {"cold": None}


def note_cold_start() -> None:
    """Remember, before anything compiles, whether the kernel cache is empty (a first run)."""
    import placement.kernels as kernels

    _COLD_START["cold"] = not kernels.cache_is_warm()


def announce_compile() -> None:
    """Tell a person at a terminal (stderr is a TTY) that this run compiles the kernels (the first run
    after installing); logs and pipelines keep the one-line error contract."""
    if _COLD_START["cold"] is None:
        note_cold_start()
    if sys.stderr.isatty() and _COLD_START["cold"]:
        click.echo("placement: compiling kernels (first run only, about a minute)...", err=True)
        _COLD_START["cold"] = False


def emit(records, fmt: str, render_table, meta: dict | None = None, wide: bool = False):
    """Print records as a table (people), one JSON document, or CSV."""
    from placement.outputs.terminal import console
    from placement.outputs.files import records_to_csv, records_to_json

    if fmt == "json":
        click.echo(records_to_json(records, **(meta or {})), nl=False)
    elif fmt == "csv":
        click.echo(records_to_csv(records), nl=False)
    else:
        console(wide=wide).print(render_table())


#: Workloads a ranking answers for (:data:`placement.ground.workloads.WORKLOADS`, which imports
#: numpy; tests/test_workloads.py checks the two agree).
WORKLOAD_CHOICES = ("training", "inference")

#: ``--workload``: which workload a site ranking answers for (default: the scenario's ``[workload] kind``).
workload_option = click.option(
    "--workload", type=click.Choice(WORKLOAD_CHOICES), default=None,
    help="Rank sites for this workload: training by cost and time to power (latency free), inference by the "
         "cost of a MWh that reaches users within the SLO (default: the scenario's [workload] kind, inference "
         "when it has none).")
