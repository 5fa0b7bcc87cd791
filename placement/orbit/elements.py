"""Shells from published orbital elements: TLE and OMM files through ``sgp4``, and the Skyfield
reference satellite of a shell."""
from __future__ import annotations

import math
import re
from pathlib import Path

from placement.bounds import MAX_ALTITUDE_KM, MIN_ALTITUDE_KM
from placement.catalogs.validation import InputError, require_file
from placement.earth.ephemeris import timescale
from placement.kernels.orbits import EARTH_EQUATORIAL_RADIUS_KM, mean_motion_rad_s
from placement.orbit.shells import Shell

#: TLE line 1 columns 19-32: two-digit year and fractional day of year (1-366)
_TLE_EPOCH = re.compile(r"^\d{2}(00[1-9]|0[1-9]\d|[12]\d\d|3[0-5]\d|36[0-6])\.\d{8}$")
#: Characters in each line of a two-line element set: columns 1-69, the last the checksum
#: (CelesTrak, "FAQs: Two-Line Element Set Format", https://celestrak.org/columns/v04n03/).
TLE_LINE_CHARS = 69

__all__ = ["TLE_LINE_CHARS", "check_tle_line", "reference_satellite", "shell_from_satrec", "shell_from_tle",
           "shells_from_omm", "shells_from_tle_file"]


def check_tle_line(where: str, field: str, line: str) -> str:
    """``line`` without trailing whitespace, if it has the :data:`TLE_LINE_CHARS` (69) characters
    of a TLE line; else an :class:`InputError` naming ``field`` and the count (a line cut short or
    run on would be read with shifted columns: sgp4 accepts some such lines silently)."""
    if not isinstance(line, str):
        raise InputError(where, field, None, f"must be a text, not {type(line).__name__}")
    text = line.rstrip()
    if len(text) != TLE_LINE_CHARS:
        raise InputError(where, field, None, f"{len(text)} characters, a TLE line has {TLE_LINE_CHARS} "
                                             f"(cut short or run on?)")
    return text


def reference_satellite(shell: Shell, start, raan_deg: float, phase_deg: float = 0.0):
    """Skyfield ``EarthSatellite`` (SGP4) on the shell's orbit through ``raan_deg`` at ``start``.

    The mean motion given to ``sgp4init`` is adjusted until SGP4's own
    recovered (Brouwer) mean semi-major axis equals the shell's radius, so the
    SGP4 orbit and the analytic orbit share their mean semi-major axis.
    """
    from sgp4.api import WGS72, Satrec
    from skyfield.api import EarthSatellite


    a = EARTH_EQUATORIAL_RADIUS_KM + shell.altitude_km
    epoch = start.ut1 - 2433281.5  # days since 1949-12-31 00:00 UT
    n = mean_motion_rad_s(a) * 60.0  # rad/min
    for _ in range(6):
        sat = Satrec()
        sat.sgp4init(WGS72, "i", 1, epoch, 0.0, 0.0, 0.0, 1e-7, 0.0, math.radians(shell.inclination_deg),
                     math.radians(phase_deg), n, math.radians(raan_deg))
        n *= (sat.a * sat.radiusearthkm / a) ** 1.5
    return EarthSatellite.from_satrec(sat, timescale())


def shell_from_satrec(where: str, sat, name: str, start=None) -> Shell:
    """A one-plane shell through an SGP4 satellite's orbit (perigee and decay checked)."""
    if sat.error:
        raise InputError(where, "elements", None, f"bad elements (sgp4 error {sat.error})")
    for field, value, low, high in (("mean_motion", sat.no_kozai, 1e-6, 0.1), ("inclination", sat.inclo, 0.0, math.pi),
                                    ("eccentricity", sat.ecco, 0.0, 0.999), ("raan", sat.nodeo, -1e3, 1e3),
                                    ("mean_anomaly", sat.mo, -1e3, 1e3), ("perigee_argument", sat.argpo, -1e3, 1e3)):
        if not (math.isfinite(value) and low <= value <= high):
            raise InputError(where, field, value, "not a finite element within range")
    a = sat.a * sat.radiusearthkm  # SGP4's recovered mean semi-major axis
    if not MIN_ALTITUDE_KM <= a - EARTH_EQUATORIAL_RADIUS_KM <= MAX_ALTITUDE_KM:
        raise InputError(where, "altitude_km", round(a - EARTH_EQUATORIAL_RADIUS_KM, 1),
                         f"mean altitude outside {MIN_ALTITUDE_KM:,.0f}-{MAX_ALTITUDE_KM:,.0f} km")
    perigee = a * (1.0 - sat.ecco) - EARTH_EQUATORIAL_RADIUS_KM
    if perigee < MIN_ALTITUDE_KM:
        raise InputError(where, "perigee_km", round(perigee, 1), f"decayed or decaying orbit (below {MIN_ALTITUDE_KM:g} km)")
    if start is not None:
        err = sat.sgp4(start.whole, start.tt_fraction)[0]  # codes 1-6: decayed or bad orbit
        if err:
            raise InputError(where, "elements", None, f"satellite has decayed by the start date (sgp4 error {err})")
    label = name.strip() or "satellite"
    raan, phase = sat.nodeo, sat.argpo + sat.mo
    if start is not None:  # carry node and phase from the element epoch to the start (SGP4's secular rates)
        minutes = (start.tt - (sat.jdsatepoch + sat.jdsatepochF)) * 1440.0
        raan += sat.nodedot * minutes
        phase += (sat.argpdot + sat.mdot) * minutes
    return Shell(id=label, name=label, altitude_km=a - EARTH_EQUATORIAL_RADIUS_KM,
                 inclination_deg=math.degrees(sat.inclo), raan_deg=math.degrees(raan) % 360.0,
                 phase_deg=math.degrees(phase) % 360.0, source=f"elements from {where}")


def shell_from_tle(where: str, line1: str, line2: str, name: str = "tle", start=None) -> Shell:
    """A one-plane shell from a two-line element set (line lengths, checksums and decay checked;
    Skyfield's ``EarthSatellite`` parses it)."""
    from sgp4.io import verify_checksum
    from skyfield.api import EarthSatellite


    line1 = check_tle_line(where, "line 1", line1)
    line2 = check_tle_line(where, "line 2", line2)
    try:
        verify_checksum(line1, line2)
    except ValueError as exc:
        raise InputError(where, "checksum", None, f"bad TLE: {exc}") from None
    if not _TLE_EPOCH.match(line1[18:32]):
        raise InputError(where, "epoch", line1[18:32], "bad TLE: the epoch must be YYDDD.DDDDDDDD")
    try:
        sat = EarthSatellite(line1, line2, name, timescale())
    except ValueError as exc:
        raise InputError(where, "elements", None, f"bad TLE: {exc}") from None
    return shell_from_satrec(where, sat.model, name, start)


def shells_from_tle_file(path, start=None) -> list[Shell]:
    """One-plane shells from a file of two-line element sets, each optionally preceded by a name
    line (the three-line form CelesTrak serves); checksums and decay checked, every error names
    the file and line."""

    require_file(path, None, path)
    try:
        with Path(path).open(encoding="utf-8") as f:
            numbered = [(n, ln.rstrip()) for n, ln in enumerate(f, start=1) if ln.strip()]
    except OSError as exc:
        raise InputError(path, None, None, f"cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(path, None, None, "not a text file of TLEs (not UTF-8)") from None
    out, i = [], 0
    while i < len(numbered):
        name = ""
        if not numbered[i][1].startswith("1 "):
            name, i = numbered[i][1].strip(), i + 1
        line_no = numbered[i][0] if i < len(numbered) else numbered[-1][0] + 1
        if i + 1 >= len(numbered) or not numbered[i][1].startswith("1 ") or not numbered[i + 1][1].startswith("2 "):
            raise InputError(f"{path} line {line_no}", None, None, "expected TLE line 1 and line 2")
        for k in (0, 1):  # each line's own number in the file
            check_tle_line(f"{path} line {numbered[i + k][0]}", f"TLE line {k + 1}", numbered[i + k][1])
        out.append(shell_from_tle(f"{path} line {line_no}", numbered[i][1], numbered[i + 1][1],
                                  name or f"tle-{len(out) + 1}", start=start))
        i += 2
    if not out:
        raise InputError(path, None, None, "no TLEs in file")
    return out


def shells_from_omm(path, start=None) -> list[Shell]:
    """One-plane shells from an OMM file (CCSDS Orbit Mean-elements Message, CSV or XML as
    CelesTrak serves them), through ``sgp4.omm`` and Skyfield's ``EarthSatellite.from_omm``."""
    from sgp4 import omm
    from skyfield.api import EarthSatellite


    text_path = require_file(path, None, path)
    try:
        with text_path.open(encoding="utf-8") as f:
            head = f.read(200).lstrip()
            f.seek(0)
            records = list(omm.parse_xml(f) if head.startswith("<") else omm.parse_csv(f))
    except OSError as exc:
        raise InputError(path, None, None, f"cannot read ({exc.strerror})") from None
    except Exception as exc:  # noqa: BLE001 - malformed CSV/XML raises many types
        raise InputError(path, None, None, f"malformed OMM ({type(exc).__name__}: {exc})") from None
    shells = []
    for n, fields in enumerate(records, start=1):
        where = f"{path} record {n}"
        try:
            sat = EarthSatellite.from_omm(timescale(), fields)
        except (KeyError, ValueError, TypeError, OverflowError, SystemError) as exc:
            raise InputError(where, str(exc).strip("'")[:60], None, "missing or bad OMM field") from None
        shells.append(shell_from_satrec(where, sat.model, fields.get("OBJECT_NAME", f"omm-{n}"), start))
    if not shells:
        raise InputError(path, None, None, "no OMM records")
    return shells
