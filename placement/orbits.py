"""Orbital shells: definitions, validation, and propagation through Skyfield.

Skyfield (with the ``sgp4`` library) is the reference path: satellites are built
from mean elements with ``Satrec.sgp4init`` and wrapped by
``EarthSatellite.from_satrec``; the Sun comes from DE421 (``skyfield-data``).
The fast kernels (:mod:`placement.kernels.orbits`, :mod:`placement.kernels.eclipse`) use the same
elements as circular orbits with J2 secular drift, in the TEME frame, with the
Sun's position in TEME from Skyfield.
"""
from __future__ import annotations

import math
import re
from pathlib import Path
import dataclasses
import functools
from dataclasses import dataclass

import numpy as np

from placement.catalogs.validation import InputError, require_number

MIN_ALTITUDE_KM = 150.0
MAX_ALTITUDE_KM = 100_000.0
_LTAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
#: TLE line 1 columns 19-32: two-digit year and fractional day of year (1-366)
_TLE_EPOCH = re.compile(r"^\d{2}(00[1-9]|0[1-9]\d|[12]\d\d|3[0-5]\d|36[0-6])\.\d{8}$")


@dataclass(frozen=True)
class Shell:
    """An orbital shell of identical circular orbits.

    ``inclination_deg`` is the sun-synchronous value when ``ltan_h`` is set.
    ``raan_deg``: node of the first plane at the epoch (None: from LTAN, or 0).
    """

    id: str
    name: str
    altitude_km: float
    inclination_deg: float
    ltan_h: float | None = None
    planes: int = 1
    sats_per_plane: int = 1
    power_kw_per_sat: float = 1000.0
    design_life_yr: float = 5.0
    source: str = ""
    raan_deg: float | None = None
    phase_deg: float = 0.0

    @property
    def satellites(self) -> int:
        return self.planes * self.sats_per_plane

    @property
    def capacity_mw(self) -> float:
        return self.satellites * self.power_kw_per_sat / 1000.0

    @property
    def sun_synchronous(self) -> bool:
        return self.ltan_h is not None


def sun_synchronous_inclination_deg(altitude_km: float) -> float:
    """Inclination of a circular sun-synchronous orbit (J2 node drift of 360 deg per tropical year).

    Parameters
    ----------
    altitude_km : float
        Altitude above the WGS-72 equatorial radius [km].

    Returns
    -------
    float
        Inclination [deg]; 180 deg above ~5,975 km, where no orbit is sun-synchronous.

    Raises
    ------
    InputError
        Altitude not finite or outside 150-100,000 km.

    References
    ----------
    .. [1] Vallado, D. (2013). Fundamentals of Astrodynamics and Applications, 4th ed., eq. 9-41
       and sec. 11.4 (sun-synchronous orbits).
    """
    from placement.kernels.orbits import EARTH_EQUATORIAL_RADIUS_KM, sun_synchronous_inclination_rad

    return math.degrees(sun_synchronous_inclination_rad(EARTH_EQUATORIAL_RADIUS_KM + altitude_km))


def parse_ltan(where: str, text) -> float:
    """'HH:MM' -> hours; anything else is an :class:`InputError`."""
    m = _LTAN.match(str(text).strip()) if text is not None else None
    if not m:
        raise InputError(where, "ltan", text, "LTAN must be HH:MM (00:00-23:59)")
    return int(m.group(1)) + int(m.group(2)) / 60.0


def make_shell(where: str, *, id: str, altitude_km, inclination_deg=None, ltan=None, name=None,
               planes=1, sats_per_plane=1, power_kw_per_sat=1000.0, design_life_yr=5.0, source="",
               raan_deg=None, phase_deg=0.0) -> Shell:
    """A validated orbital shell of identical circular orbits.

    Parameters
    ----------
    where : str
        Where the values came from, for error messages (a file and row, or 'command line').
    id : str
        Shell id.
    altitude_km : float
        Altitude [km] (150-100,000).
    inclination_deg : float, optional
        Inclination [deg] (0-180); not with ``ltan``.
    ltan : str, optional
        Local time of the ascending node 'HH:MM': a sun-synchronous shell, its inclination from J2.
    name : str, optional
        Display name (default: the id).
    planes : int
        Orbit planes [-].
    sats_per_plane : int
        Satellites per plane [-].
    power_kw_per_sat : float
        IT power per satellite [kW].
    design_life_yr : float
        Design life [yr] (at most 50).
    source : str
        Where the shell's figures come from.
    raan_deg : float, optional
        Node of the first plane at the start [deg] (default: from the LTAN, or 0).
    phase_deg : float
        Argument of latitude of the lead satellite at the start [deg].

    Returns
    -------
    Shell
        The shell, sizes in its satellites' units (capacity [MW] = satellites x power [kW] / 1000).

    Raises
    ------
    InputError
        A value that is not a number, out of its range, or an LTAN that is not 'HH:MM'.

    References
    ----------
    .. [1] Vallado, D. (2013). Fundamentals of Astrodynamics and Applications, 4th ed.
    .. [2] Walker, J. G. (1984). Satellite constellations. J. British Interplanetary Society 37:559-572.
    """
    alt = require_number(where, "altitude_km", altitude_km, low=MIN_ALTITUDE_KM, high=MAX_ALTITUDE_KM)
    ltan_h = None
    if ltan not in (None, ""):
        ltan_h = parse_ltan(where, ltan)
        inc = sun_synchronous_inclination_deg(alt)
        if alt > 5975.0:  # above ~5,975 km no inclination gives a sun-synchronous drift
            raise InputError(where, "altitude_km", altitude_km, "no sun-synchronous orbit this high (max ~5,975 km)")
    else:
        if inclination_deg in (None, ""):
            raise InputError(where, "inclination_deg", inclination_deg, "give an inclination or an LTAN")
        inc = require_number(where, "inclination_deg", inclination_deg, low=0.0, high=180.0)
    return Shell(
        id=str(id), name=str(name or id), altitude_km=alt, inclination_deg=inc, ltan_h=ltan_h,
        planes=require_number(where, "planes", planes, positive=True, integer=True),
        sats_per_plane=require_number(where, "sats_per_plane", sats_per_plane, positive=True, integer=True),
        power_kw_per_sat=require_number(where, "power_kw_per_sat", power_kw_per_sat, positive=True),
        design_life_yr=require_number(where, "design_life_yr", design_life_yr, positive=True, high=50),
        source=str(source),
        raan_deg=None if raan_deg is None else require_number(where, "raan_deg", raan_deg, low=-360, high=360),
        phase_deg=require_number(where, "phase_deg", phase_deg, low=-360, high=360),
    )


def load_shells(path=None) -> list[Shell]:
    """The bundled shell catalog (or another file in its format), validated.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A shell CSV (columns of ``catalogs/data/orbital_shells.csv``); default the bundled one.

    Returns
    -------
    list of Shell
        One shell per row; altitude [km], inclination [deg], IT power per satellite [kW].

    Raises
    ------
    InputError
        Unreadable file, missing or unknown column, duplicate id, missing source or a bad value.

    References
    ----------
    .. [1] ``catalogs/data/orbital_shells.csv``: the geometry and power source of every shell.
    """
    from placement.catalogs import ORBITAL_SHELLS_CSV, read_csv_rows

    path = path or ORBITAL_SHELLS_CSV
    cols = ("id", "name", "altitude_km", "inclination_deg", "ltan", "planes", "sats_per_plane",
            "power_kw_per_sat", "design_life_yr", "geometry_source", "power_source")
    shells, seen = [], set()
    for n, row in read_csv_rows(path, cols):
        where = f"{path} row {n}"
        if row["id"] in seen:
            raise InputError(where, "id", row["id"], "duplicate id")
        seen.add(row["id"])
        for col in ("geometry_source", "power_source"):
            if not row[col].strip():
                raise InputError(where, col, row[col], "every figure needs a source")
        shells.append(make_shell(
            where, id=row["id"], name=row["name"], altitude_km=row["altitude_km"],
            inclination_deg=row["inclination_deg"] or None, ltan=row["ltan"] or None, planes=row["planes"],
            sats_per_plane=row["sats_per_plane"], power_kw_per_sat=row["power_kw_per_sat"],
            design_life_yr=row["design_life_yr"],
            source=f"geometry: {row['geometry_source']}; power: {row['power_source']}"))
    return shells


# --- time, sun and frames ---------------------------------------------------------------------

def parse_start(where: str, text) -> "object":
    """A UTC date 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM[:SS]' within the ephemeris -> Skyfield Time."""
    from placement.catalogs.validation import require_date
    from placement.ephemeris import timescale

    d = require_date(where, "start", text)
    return timescale().utc(d.year, d.month, d.day, d.hour, d.minute, d.second + d.microsecond / 1e6)


def time_grid(start, n: int, step_s: float):
    """Skyfield Time array: ``n`` samples from ``start`` every ``step_s`` seconds."""
    from placement.ephemeris import timescale

    return timescale().tt_jd(start.tt + np.arange(n) * (step_s / 86400.0))


#: Spacing of the Sun nodes computed with Skyfield [s]; cubic interpolation between daily nodes
#: stays within 1e-8 rad of Skyfield (tests check 1e-6 rad).
SUN_NODE_STEP_S = 86400.0


def sun_nodes_teme_km(start, span_s: float, node_step_s: float = SUN_NODE_STEP_S):
    """The Sun's geocentric position [km] in TEME from Skyfield (DE421) at nodes every
    ``node_step_s`` [s] from ``start - node_step_s`` to past ``start + span_s``: the nodes
    :func:`placement.kernels.eclipse.sun_position_interpolated_km` interpolates.

    Returns
    -------
    tuple of ndarray
        x, y, z [km] at the nodes.
    """
    nodes = int(math.ceil(max(span_s, 0.0) / node_step_s)) + 4
    # computed in blocks of 128 nodes and kept: a design pass and a scored span from the same
    # start share them (Skyfield's nutation per node is the expensive part)
    xyz = _sun_nodes(float(start.tt), float(node_step_s), -(-nodes // 128) * 128)
    return tuple(np.ascontiguousarray(xyz[k, :nodes]) for k in range(3))


@functools.lru_cache(maxsize=16)
def _sun_nodes(start_tt: float, node_step_s: float, nodes: int) -> np.ndarray:
    from skyfield.sgp4lib import TEME

    from placement.ephemeris import ephemeris, timescale

    eph = ephemeris()
    t = timescale().tt_jd(start_tt + (np.arange(nodes) - 1.0) * (node_step_s / 86400.0))
    xyz = (eph["sun"] - eph["earth"]).at(t).frame_xyz(TEME).km
    xyz.flags.writeable = False
    return xyz


def sun_position_teme_km(start, n: int, step_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Geocentric Sun position [km] in TEME at ``n`` samples every ``step_s`` [s] from ``start``,
    interpolated from :func:`sun_nodes_teme_km` exactly as the eclipse kernel does."""
    nodes = sun_nodes_teme_km(start, max(n - 1, 0) * step_s)
    q = np.arange(n) * step_s / SUN_NODE_STEP_S
    j = np.floor(q).astype(np.int64)
    x = q - j
    w = (-x * (x - 1.0) * (x - 2.0) / 6.0, (x + 1.0) * (x - 1.0) * (x - 2.0) / 2.0,
         -(x + 1.0) * x * (x - 2.0) / 2.0, (x + 1.0) * x * (x - 1.0) / 6.0)
    return tuple(w[0] * v[j] + w[1] * v[j + 1] + w[2] * v[j + 2] + w[3] * v[j + 3] for v in nodes)


def sun_right_ascension_teme_deg(t) -> float:
    """Right ascension [deg] of the Sun in TEME at Skyfield time ``t``."""
    from skyfield.sgp4lib import TEME

    from placement.ephemeris import ephemeris

    eph = ephemeris()
    x, y, _ = (eph["sun"] - eph["earth"]).at(t).frame_xyz(TEME).km
    return math.degrees(math.atan2(y, x)) % 360.0


def gmst_rad(t) -> np.ndarray:
    """Greenwich mean sidereal angle [rad] (TEME -> pseudo-Earth-fixed rotation)."""
    return np.radians(np.asarray(t.gmst) * 15.0)


# --- plane elements ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PlaneElements:
    """Mean circular elements of one satellite per plane, for the kernels (km, rad, rad/s)."""

    shell_index: np.ndarray
    a_km: np.ndarray
    inclination_rad: np.ndarray
    raan0_rad: np.ndarray
    raan_rate_rad_s: np.ndarray
    u0_rad: np.ndarray
    u_rate_rad_s: np.ndarray

    def lead_plane_of_each_shell(self, n_shells: int) -> np.ndarray:
        """Index of each shell's first computed plane."""
        return np.array([int(np.flatnonzero(self.shell_index == s)[0]) for s in range(n_shells)], dtype=np.int64)

    def subset(self, keep: np.ndarray) -> "PlaneElements":
        """The planes where ``keep`` is true (shell indices unchanged)."""
        return PlaneElements(*(np.ascontiguousarray(getattr(self, f.name)[keep])
                               for f in dataclasses.fields(self)))


def plane_raans_deg(shell: Shell, start, max_planes: int | None = None) -> np.ndarray:
    """Nodes [deg] at ``start`` of the planes computed for ``shell``.

    A sun-synchronous shell keeps all its satellites at one LTAN, so one plane
    (RAAN = RA of the Sun + 15 deg/h (LTAN - 12 h)). A Walker shell spreads its
    planes evenly over 360 deg; ``max_planes`` (if smaller) keeps an evenly
    spaced subset, whose nodes still cover the circle uniformly.
    """
    if shell.raan_deg is not None:
        base = shell.raan_deg
    elif shell.sun_synchronous:
        base = sun_right_ascension_teme_deg(start) + 15.0 * (shell.ltan_h - 12.0)
    else:
        base = 0.0
    if shell.sun_synchronous or shell.planes == 1:
        return np.array([base % 360.0])
    k = shell.planes if not max_planes else min(shell.planes, max_planes)
    return (base + 360.0 * np.arange(k) / k) % 360.0


def plane_elements(shells: list[Shell], start, max_planes: int | None = 12) -> PlaneElements:
    """One lead satellite per computed plane of each shell, with J2 secular rates."""
    from placement.kernels.orbits import (EARTH_EQUATORIAL_RADIUS_KM, argument_of_latitude_rate_rad_s,
                                node_rate_rad_s)

    rows = []
    for s_index, shell in enumerate(shells):
        a = EARTH_EQUATORIAL_RADIUS_KM + shell.altitude_km
        inc = math.radians(shell.inclination_deg)
        for raan in plane_raans_deg(shell, start, max_planes):
            rows.append((s_index, a, inc, math.radians(raan), node_rate_rad_s(a, inc),
                         math.radians(shell.phase_deg), argument_of_latitude_rate_rad_s(a, inc)))
    arr = np.array(rows, dtype=float).reshape(-1, 7)
    return PlaneElements(arr[:, 0].astype(np.int64), *(np.ascontiguousarray(arr[:, k]) for k in range(1, 7)))


# --- Skyfield / SGP4 reference ------------------------------------------------------------------

def reference_satellite(shell: Shell, start, raan_deg: float, phase_deg: float = 0.0):
    """Skyfield ``EarthSatellite`` (SGP4) on the shell's orbit through ``raan_deg`` at ``start``.

    The mean motion given to ``sgp4init`` is adjusted until SGP4's own
    recovered (Brouwer) mean semi-major axis equals the shell's radius, so the
    SGP4 orbit and the analytic orbit share their mean semi-major axis.
    """
    from sgp4.api import WGS72, Satrec
    from skyfield.api import EarthSatellite

    from placement.kernels.orbits import EARTH_EQUATORIAL_RADIUS_KM, mean_motion_rad_s
    from placement.ephemeris import timescale

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
    from placement.kernels.orbits import EARTH_EQUATORIAL_RADIUS_KM

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
    """A one-plane shell from a two-line element set (checksums and decay checked; Skyfield's
    ``EarthSatellite`` parses it)."""
    from sgp4.io import verify_checksum
    from skyfield.api import EarthSatellite

    from placement.ephemeris import timescale

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
    from placement.catalogs.validation import require_file

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

    from placement.ephemeris import timescale

    from placement.catalogs.validation import require_file

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
