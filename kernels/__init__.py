"""Pure numeric kernels: arrays in, arrays out.

One module per physical concern. Each concern writes its math once as scalar
functions (``math`` only, no numpy, no defaults) decorated with
:func:`placement.kernels.targets.scalar`; the per-element bodies are launched on the CPU by
a Numba ``prange`` loop and on a GPU by a CUDA kernel generated from the *same*
body (:mod:`placement.kernels.targets`). Nothing here knows about catalogs, click or
NetworkX; inputs are assumed valid (validation lives in ``placement``).
Internal units: km, ms, s, degrees at the boundary, radians inside.
"""

import hashlib as _hashlib
import os as _os
from pathlib import Path as _Path


def kernel_sources_digest() -> str:
    """SHA-1 [hex] of the content of every kernel source file (names and bytes)."""
    digest = _hashlib.sha1()
    for path in sorted(_Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _numba_cache_dir() -> str:
    """A Numba cache folder keyed by the content of every kernel source file.

    Numba's on-disk cache checks only the timestamp of the file holding the
    jitted function, not of the functions it calls in other files; keying the
    folder by all kernel sources makes an edit anywhere start a fresh cache.
    """
    base = _os.environ.get("XDG_CACHE_HOME") or _os.path.join(_os.path.expanduser("~"), ".cache")
    return _os.path.join(base, "placement", "numba", kernel_sources_digest()[:16])


def cache_is_warm() -> bool:
    """True when the Numba cache folder already holds compiled kernels (no cold first compile)."""
    folder = _os.environ.get("NUMBA_CACHE_DIR", "")
    return bool(folder) and _os.path.isdir(folder) and any(
        name.endswith(".nbi") for _, _, files in _os.walk(folder) for name in files)


if "NUMBA_CACHE_DIR" not in _os.environ:
    _os.environ["NUMBA_CACHE_DIR"] = _numba_cache_dir()
    import sys as _sys

    if "numba" in _sys.modules:  # numba read its configuration already: make it read it again
        from numba.core import config as _config

        _config.reload_config()
