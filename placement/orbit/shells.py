"""Orbital shells: what a shell is (altitude, inclination or LTAN, planes, satellites), how it is
checked, and the bundled catalog."""
from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass

from placement.bounds import check
from placement.catalogs import ORBITAL_SHELLS_CSV, read_csv_rows
from placement.catalogs.validation import InputError, require_number, require_path, require_text
from placement.kernels.orbits import (
    EARTH_EQUATORIAL_RADIUS_KM,
    sun_synchronous_inclination_rad,
)

_LTAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


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
        Altitude not a number (booleans are not), not finite or outside 150-100,000 km.

    References
    ----------
    .. [1] Vallado, D. (2013). Fundamentals of Astrodynamics and Applications, 4th ed., eq. 9-41
       and sec. 11.4 (sun-synchronous orbits).
    """
    altitude_km = check("sun_synchronous_inclination_deg", "altitude_km", altitude_km)
    return _sso_inclination_deg(altitude_km)


def _sso_inclination_deg(altitude_km: float) -> float:
    """:func:`sun_synchronous_inclination_deg` of a checked altitude [km]."""
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
        An id that is not a non-empty text, a name or source that is not a text; a value that is
        not a number (booleans are not), not finite or out of its range; both an inclination and
        an LTAN, or neither; an LTAN that is not 'HH:MM'; a sun-synchronous shell above ~5,975 km.

    References
    ----------
    .. [1] Vallado, D. (2013). Fundamentals of Astrodynamics and Applications, 4th ed.
    .. [2] Walker, J. G. (1984). Satellite constellations. J. British Interplanetary Society 37:559-572.
    """
    sid = require_text(where, "id", id)
    if name is not None and name != "":
        require_text(where, "name", name)
    if not isinstance(source, str):
        raise InputError(where, "source", None, f"must be a text, not {type(source).__name__}")
    alt = check(where, "altitude_km", altitude_km)
    ltan_h = None
    if ltan not in (None, ""):
        if inclination_deg not in (None, ""):
            raise InputError(where, "inclination_deg", inclination_deg,
                             f"give an inclination or an LTAN ({ltan!r}), not both: a sun-synchronous shell's "
                             f"inclination follows from its altitude")
        ltan_h = parse_ltan(where, ltan)
        if alt > 5975.0:  # above ~5,975 km no inclination gives a sun-synchronous drift
            raise InputError(where, "altitude_km", altitude_km, "no sun-synchronous orbit this high (max ~5,975 km)")
        inc = _sso_inclination_deg(alt)
    else:
        if inclination_deg in (None, ""):
            raise InputError(where, "inclination_deg", inclination_deg, "give an inclination or an LTAN")
        inc = check(where, "inclination_deg", inclination_deg)
    numbers = {key: require_number(where, key, value, **_SHELL_NUMBERS[key]) for key, value in
               (("planes", planes), ("sats_per_plane", sats_per_plane), ("power_kw_per_sat", power_kw_per_sat),
                ("design_life_yr", design_life_yr), ("phase_deg", phase_deg))}
    return Shell(
        id=sid, name=name or sid, altitude_km=alt, inclination_deg=inc, ltan_h=ltan_h, source=source,
        raan_deg=None if raan_deg is None else require_number(where, "raan_deg", raan_deg, **_SHELL_NUMBERS["raan_deg"]),
        **numbers,
    )


#: Bounds of a shell's numbers (besides altitude and inclination: :data:`placement.bounds.BOUNDS`).
_SHELL_NUMBERS = {
    "planes": dict(positive=True, integer=True, high=100_000),
    "sats_per_plane": dict(positive=True, integer=True, high=100_000),
    "power_kw_per_sat": dict(positive=True, high=1e6),
    "design_life_yr": dict(positive=True, high=50),
    "raan_deg": dict(low=-360, high=360),
    "phase_deg": dict(low=-360, high=360),
    "ltan_h": dict(low=0, high=24),
}


def check_shell(where: str, shell, field: str = "shell") -> Shell:
    """A :class:`Shell` checked with :func:`make_shell`'s rules, however it was built (``Shell(...)``
    directly, or from TLE/OMM elements); errors name ``field.attribute``.

    Raises
    ------
    InputError
        Not a Shell; an id or name that is not a non-empty text; an altitude, inclination, LTAN
        [h], plane count, satellites, power, life or angle that is not a finite number within its
        bounds; a sun-synchronous shell above ~5,975 km.
    """
    if not isinstance(shell, Shell):
        raise InputError(where, field, None, f"must be a placement.Shell (placement.make_shell), "
                                             f"not {type(shell).__name__}")
    require_text(where, f"{field}.id", shell.id)
    require_text(where, f"{field}.name", shell.name)
    check(where, f"{field}.altitude_km", shell.altitude_km, "altitude_km")
    check(where, f"{field}.inclination_deg", shell.inclination_deg, "inclination_deg")
    if shell.ltan_h is not None:
        require_number(where, f"{field}.ltan_h", shell.ltan_h, **_SHELL_NUMBERS["ltan_h"])
        if shell.altitude_km > 5975.0:
            raise InputError(where, f"{field}.altitude_km", shell.altitude_km,
                             "no sun-synchronous orbit this high (max ~5,975 km)")
    for key in ("planes", "sats_per_plane", "power_kw_per_sat", "design_life_yr", "phase_deg"):
        value = getattr(shell, key)
        checked = require_number(where, f"{field}.{key}", value, **_SHELL_NUMBERS[key])
        if _SHELL_NUMBERS[key].get("integer") and not isinstance(value, numbers.Integral):
            raise InputError(where, f"{field}.{key}", value, "must be a whole number (int)")
        del checked
    if shell.raan_deg is not None:
        require_number(where, f"{field}.raan_deg", shell.raan_deg, **_SHELL_NUMBERS["raan_deg"])
    return shell


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
        ``path`` neither None nor a str or ``os.PathLike``; unreadable file, missing or unknown
        column, duplicate id, missing source or a bad value.

    References
    ----------
    .. [1] ``catalogs/data/orbital_shells.csv``: the geometry and power source of every shell.
    """
    path = ORBITAL_SHELLS_CSV if path is None else require_path("load_shells", "path", path)
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
