"""Data-residency regions as shapely polygons (bundled GeoJSON, or a scenario's own)."""
from __future__ import annotations

import functools
import json
from pathlib import Path

from placement.catalogs import DATA_DIR
from placement.catalogs.validation import InputError, read_text

RESIDENCY_GEOJSON = DATA_DIR / "residency.geojson"


@functools.lru_cache(maxsize=8)
def load_residency_regions(path: Path = RESIDENCY_GEOJSON) -> dict:
    """Region id -> shapely geometry, from a GeoJSON FeatureCollection whose features carry
    ``properties.id``. Invalid or non-polygon geometry is an :class:`InputError`."""
    from shapely.geometry import shape
    from shapely.validation import explain_validity


    try:
        doc = json.loads(read_text(path, path))
    except json.JSONDecodeError as exc:
        raise InputError(path, None, None, f"malformed GeoJSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise InputError(path, None, None, "malformed GeoJSON (nested too deeply)") from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise InputError(path, "features", None, "not a GeoJSON FeatureCollection")
    regions = {}
    for n, feat in enumerate(features):
        where = f"{path} feature {n}"
        if not isinstance(feat, dict) or not isinstance(feat.get("properties") or {}, dict):
            raise InputError(where, None, None, "not a GeoJSON Feature with properties")
        rid = (feat.get("properties") or {}).get("id")
        if not rid:
            raise InputError(where, "properties.id", rid, "every region needs an id")
        try:
            geom = shape(feat.get("geometry"))
        except Exception as exc:  # noqa: BLE001 - shapely raises several types for bad input
            raise InputError(where, "geometry", rid, f"malformed polygon ({exc})") from None
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise InputError(where, "geometry", rid, f"must be a Polygon or MultiPolygon, not {geom.geom_type}")
        if not geom.is_valid:
            raise InputError(where, "geometry", rid, f"malformed polygon ({explain_validity(geom)})")
        regions[str(rid)] = geom
    return regions


def inside(region, lat_deg: float, lon_deg: float) -> bool:
    """True when the point (degrees) lies in the region's geometry."""
    from shapely.geometry import Point

    return bool(region.contains(Point(lon_deg, lat_deg)))
