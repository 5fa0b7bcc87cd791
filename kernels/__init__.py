"""Pure numeric kernels: arrays in, arrays out.

One module per physical concern. Each concern writes its math once as scalar
functions (``math`` only, no numpy, no defaults) decorated with
:func:`kernels.targets.scalar`; the per-element bodies are launched on the CPU by
a Numba ``prange`` loop and on a GPU by a CUDA kernel generated from the *same*
body (:mod:`kernels.targets`). Nothing here knows about catalogs, click or
NetworkX; inputs are assumed valid (validation lives in ``placement``).
Internal units: km, ms, s, degrees at the boundary, radians inside.
"""
