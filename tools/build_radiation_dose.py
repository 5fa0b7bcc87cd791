"""Rebuild ``catalogs/data/radiation_dose_model.csv``: total ionizing dose per year behind
aluminium for circular orbits, from the standard public trapped-particle models.

Not part of the package's run time or tests; it needs two extra packages
(``pip install spacepy==0.7.0 aep8==1.1.0``) and writes the table the package reads.

Pipeline (the geometry SPENVIS reports):

* trapped protons NASA AP-8 MIN and electrons AE-8 MAX (the conservative pairing of
  ECSS-E-ST-10-04C sec. 9.2.1.1), from IRBEM through ``aep8``;
* integral spectra averaged over the circular orbit (points uniform in argument of latitude
  and geographic longitude), differentiated to differential spectra;
* SHIELDOSE-2 v2.10 (Seltzer 1994, NIST) from IRBEM's library in ``spacepy``: dose in Si at
  the centre of an Al sphere (4 pi: twice the "half dose at the centre" column).

Solar protons and cosmic rays are left out, so thin-shield polar, MEO and GEO doses are low.
Against SPENVIS 4.6.11 at 550 km (50-95 deg inclination) this gives 0.86-0.90x; treat the
table as x/2 in LEO and x/3 above.

    python catalogs/build_radiation_dose.py      (in an environment with spacepy and aep8)
"""
from __future__ import annotations

import csv
import ctypes
import os
import sys

import numpy as np

ALTITUDES_KM = (400, 550, 800, 1000, 1200, 1400, 1700, 2000, 3000, 4000, 5000, 6000, 8062, 10000, 12000, 15000,
                20200, 25000, 35786)
INCLINATIONS_DEG = (0, 30, 53, 98)
DEPTHS_MM = (1.0, 2.0, 2.5, 3.0, 5.0, 10.0, 20.0)
YEAR_S = 365.25 * 86400.0
SOURCE = ("derived: AP-8 MIN p + AE-8 MAX e (IRBEM), orbit-averaged, SHIELDOSE-2 Al sphere centre, Si; "
          "trapped only (catalogs/build_radiation_dose.py)")


def shieldose2(lib, e_p, f_p, e_e, f_e, depths_mm, duration_s):
    """4 pi dose [rad(Si)] at the centre of Al spheres of ``depths_mm`` for differential proton
    and electron spectra (MeV, per cm^2 MeV s) over ``duration_s``."""
    imax, jmax = 71, 301
    i4 = lambda v: ctypes.byref(ctypes.c_int32(v))  # noqa: E731
    f8 = lambda v: ctypes.byref(ctypes.c_double(v))  # noqa: E731

    def padded(x, size):
        a = np.zeros(size)
        a[:len(x)] = x
        return a

    z = padded(depths_mm, imax)
    arrays = [padded([], jmax), padded([], jmax), padded(e_p, jmax), padded(f_p, jmax), padded(e_e, jmax),
              padded(f_e, jmax)]
    outs = [np.zeros((3, imax)) for _ in range(5)]
    ptr = lambda a: a.ctypes.data_as(ctypes.POINTER(ctypes.c_double))  # noqa: E731
    lib.shieldose2_(i4(3), i4(1), i4(len(depths_mm)), i4(3), ptr(z), f8(0.1), f8(400.0), f8(float(e_p[0])),
                    f8(float(e_p[-1])), i4(1001), f8(float(e_e[0])), f8(float(e_e[-1])), i4(1001), i4(0),
                    i4(len(e_p)), i4(len(e_e)), f8(1.0), f8(duration_s), *[ptr(a) for a in arrays],
                    *[ptr(o) for o in outs])
    return 2.0 * outs[4][2, :len(depths_mm)]


def orbit_spectra(altitude_km, inclination_deg, n=4000, seed=0):
    import aep8
    import astropy.units as u
    from astropy.coordinates import EarthLocation
    from astropy.time import Time

    rng = np.random.default_rng(seed)
    arg = rng.uniform(0, 2 * np.pi, n)
    lon = rng.uniform(-180, 180, n)
    lat = np.degrees(np.arcsin(np.sin(np.radians(inclination_deg)) * np.sin(arg)))
    where = EarthLocation.from_geodetic(lon * u.deg, lat * u.deg, altitude_km * u.km)
    out = {}
    for particle, solar, energies in (("p", "min", np.geomspace(0.1, 400.0, 60)),
                                      ("e", "max", np.geomspace(0.04, 7.0, 50))):
        model = aep8.model(particle=particle, solar=solar)
        L, B = model.geomagnetic_coordinates(where, Time("2025-01-01T00:00:00"))
        flux = model.integral_flux_for_geomagnetic_coordinates(L[:, None], B[:, None], energies[None, :] * u.MeV).value
        integral = np.clip(np.nan_to_num(flux, nan=0.0), 0, None).mean(axis=0)
        differential = np.clip(-np.gradient(integral, energies), 0, None)
        keep = differential > 0
        if keep.sum() < 3:
            out[particle] = (energies, np.full_like(energies, 1e-30))
        else:
            out[particle] = (energies[keep], differential[keep])
    return out


def main(argv=None):
    from pathlib import Path

    import spacepy.irbempy as irbem

    lib = ctypes.CDLL(os.path.join(os.path.dirname(irbem.__file__), "libirbem.so"))
    path = Path(__file__).resolve().parent / "data" / "radiation_dose_model.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["altitude_km", "inclination_deg", "shielding_mm_al", "dose_krad_si_per_yr", "approximate",
                    "source"])
        for alt in ALTITUDES_KM:
            for inc in INCLINATIONS_DEG:
                s = orbit_spectra(alt, inc)
                dose = shieldose2(lib, *s["p"], *s["e"], DEPTHS_MM, YEAR_S)
                for d, rad in zip(DEPTHS_MM, dose):
                    w.writerow([alt, inc, f"{d:g}", f"{rad / 1000.0:.4g}", "true", SOURCE])
                print(f"{alt} km {inc} deg done", file=sys.stderr)
    print(path)


if __name__ == "__main__":
    main()
