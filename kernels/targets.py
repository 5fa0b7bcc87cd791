"""One definition of the math, two targets: Numba CPU and Numba CUDA.

* :func:`scalar` compiles a plain-``math`` function with ``numba.njit(cache=True)``;
  the CPU kernels call it directly.
* :func:`cuda_device` rebuilds the same Python function as a
  ``numba.cuda.jit(device=True)`` function, re-binding every other ``@scalar``
  function it calls to its CUDA form (the approach of hapsira's ``jit_redesign``).
* :func:`launch` runs a per-element body ``body(i, *arrays)`` over ``range(n)``:
  on the CPU through the module's ``prange`` kernel, on CUDA through a kernel
  generated around the CUDA form of the same body.

``numba.cuda`` is imported only when the CUDA target is asked for, so a CPU run
does not pay for it. Under ``NUMBA_ENABLE_CUDASIM=1`` the CUDA path runs in
Numba's simulator, which is how CI checks it without a GPU.
"""
from __future__ import annotations

import os
import types

from numba import njit

__all__ = ["scalar", "cuda_device", "launch", "cuda_usable", "CUDA_THREADS_PER_BLOCK"]

#: Threads per block for CUDA launches (tests lower it so several blocks run).
CUDA_THREADS_PER_BLOCK = int(os.environ.get("PLACEMENT_CUDA_TPB", "128"))

_SCALAR_FLAG = "_placement_scalar"
_cuda_devices: dict = {}
_cuda_kernels: dict = {}


def scalar(fn):
    """Compile ``fn`` for the CPU (cached on disk) and mark it as shared math.

    No fast-math: with reassociation allowed, the same reduction gave results a few ulp
    apart depending on whether the code was freshly compiled or loaded from the cache,
    which broke bit-identical batch results across processes.
    """
    dispatcher = njit(cache=True)(fn)
    setattr(dispatcher, _SCALAR_FLAG, True)
    return dispatcher


def cuda_device(dispatcher):
    """The CUDA device-function form of a :func:`scalar` function."""
    key = dispatcher.py_func
    if key in _cuda_devices:
        return _cuda_devices[key]
    from numba import cuda

    fn = dispatcher.py_func
    namespace = dict(fn.__globals__)
    for name in fn.__code__.co_names:
        obj = namespace.get(name)
        if getattr(obj, _SCALAR_FLAG, False):
            namespace[name] = cuda_device(obj)
    rebuilt = types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__, fn.__closure__)
    device_fn = cuda.jit(device=True)(rebuilt)
    _cuda_devices[key] = device_fn
    return device_fn


def _cuda_kernel(body, n_args: int):
    key = (body.py_func, n_args)
    if key in _cuda_kernels:
        return _cuda_kernels[key]
    from numba import cuda

    args = ", ".join(f"a{k}" for k in range(n_args))
    source = (
        f"def elementwise_kernel(n, {args}):\n"
        f"    i = cuda.grid(1)\n"
        f"    if i < n:\n"
        f"        body(i, {args})\n"
    )
    namespace = {"cuda": cuda, "body": cuda_device(body)}
    exec(source, namespace)  # noqa: S102 - generated launcher around shared math
    kernel = cuda.jit(namespace["elementwise_kernel"])
    _cuda_kernels[key] = kernel
    return kernel


def cuda_usable() -> bool:
    """True when a CUDA GPU (or Numba's simulator) can run kernels."""
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return True
    if not any(os.path.exists(p) for p in ("/dev/nvidia0", "/dev/nvidiactl", "/dev/dxg")):
        return False
    try:
        from numba import cuda

        return bool(cuda.is_available())
    except Exception:  # pragma: no cover - driver problems mean "not usable"
        return False


def launch(device: str, cpu_kernel, body, n: int, args: tuple, outputs: tuple[int, ...]):
    """Run ``body(i, *args)`` for ``i`` in ``range(n)`` on ``device``.

    ``cpu_kernel(*args)`` is the module's ``prange`` loop over the same body.
    ``outputs`` are the positions in ``args`` of arrays the body writes; on CUDA
    they are copied back into the given host arrays.
    """
    if n == 0:
        return
    if device == "cpu":
        cpu_kernel(*args)
        return
    if device != "cuda":
        raise ValueError(f"device must be 'cpu' or 'cuda', not {device!r}")
    from numba import cuda
    import numpy as np

    kernel = _cuda_kernel(body, len(args))
    dev_args = [cuda.to_device(a) if isinstance(a, np.ndarray) else a for a in args]
    tpb = CUDA_THREADS_PER_BLOCK
    kernel[(n + tpb - 1) // tpb, tpb](n, *dev_args)
    for k in outputs:
        dev_args[k].copy_to_host(args[k])
