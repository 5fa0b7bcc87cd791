"""One definition of the math, two targets: Numba CPU and Numba CUDA.

* :func:`scalar` compiles a plain-``math`` function with ``numba.njit(cache=True)``;
  the CPU kernels call it directly.
* :func:`cuda_device` rebuilds the same Python function as a
  ``numba.cuda.jit(device=True)`` function, re-binding every other ``@scalar``
  function it calls to its CUDA form (the approach of hapsira's ``jit_redesign``).
* :func:`launch` runs a per-element body ``body(i, *arrays)`` over ``range(n)``:
  on the CPU through the module's ``prange`` kernel, on CUDA through a kernel
  generated around the CUDA form of the same body. Arguments bind by the kernel's
  parameter names; the arrays it writes are the parameters named ``out_...``, and
  ``launch`` returns them by name (no output is ever found by its position).

``numba.cuda`` is imported only when the CUDA target is asked for, so a CPU run
does not pay for it. Under ``NUMBA_ENABLE_CUDASIM=1`` the CUDA path runs in
Numba's simulator, which is how CI checks it without a GPU.
"""
from __future__ import annotations

import inspect
import os
import types
from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = ["scalar", "cuda_device", "launch", "pack_constants", "kernel_signature", "cuda_usable", "CUDA_THREADS_PER_BLOCK",
           "OUTPUT_PREFIX"]

#: Parameters of a kernel that it writes are named with this prefix.
OUTPUT_PREFIX = "out_"

#: Threads per block for CUDA launches (tests lower it so several blocks run).
CUDA_THREADS_PER_BLOCK = int(os.environ.get("PLACEMENT_CUDA_TPB", "128"))

_SCALAR_FLAG = "_placement_scalar"
_cuda_devices: dict = {}
_cuda_kernels: dict = {}
_signatures: dict = {}


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


@dataclass(frozen=True)
class KernelSignature:
    """Parameter names of a kernel pair: the ``prange`` loop and its per-element body.

    Arrays a kernel writes are named ``out_...``; everything else is read only.
    """

    name: str
    parameters: tuple[str, ...]

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(p for p in self.parameters if p.startswith(OUTPUT_PREFIX))


def kernel_signature(cpu_kernel, body) -> KernelSignature:
    """The parameters of ``cpu_kernel``, checked against its body ``body(i, <the same names>)``."""
    key = (cpu_kernel, body)
    sig = _signatures.get(key)
    if sig is None:
        kernel_fn = getattr(cpu_kernel, "py_func", cpu_kernel)
        body_fn = getattr(body, "py_func", body)
        params = tuple(inspect.signature(kernel_fn).parameters)
        body_params = tuple(inspect.signature(body_fn).parameters)
        if body_params[1:] != params:
            raise TypeError(f"{body_fn.__name__}{body_params} must take the element index and then exactly "
                            f"the parameters of {kernel_fn.__name__}{params}")
        if not any(p.startswith(OUTPUT_PREFIX) for p in params):
            raise TypeError(f"{kernel_fn.__name__} names no output (parameters written must start with "
                            f"{OUTPUT_PREFIX!r})")
        sig = _signatures[key] = KernelSignature(kernel_fn.__name__, params)
    return sig


def _bind(sig: KernelSignature, n: int, args: tuple, kwargs: dict) -> list:
    """Arguments in parameter order; outputs not given are allocated (length ``n``, NaN-filled)."""
    if len(args) > len(sig.parameters):
        raise TypeError(f"{sig.name} takes {len(sig.parameters)} arguments, {len(args)} given")
    values = dict(zip(sig.parameters, args))
    for name, value in kwargs.items():
        if name not in sig.parameters:
            raise TypeError(f"{sig.name} has no parameter {name!r}")
        if name in values:
            raise TypeError(f"{sig.name}: {name!r} given twice")
        values[name] = value
    for name in sig.outputs:
        if name not in values:
            values[name] = np.full(n, np.nan)
    missing = [p for p in sig.parameters if p not in values]
    if missing:
        raise TypeError(f"{sig.name}: missing {', '.join(missing)}")
    for name in sig.outputs:
        a = values[name]
        if not isinstance(a, np.ndarray) or not a.flags.writeable:
            raise TypeError(f"{sig.name}: output {name!r} must be a writeable numpy array, "
                            f"not {type(a).__name__}")
    return [values[p] for p in sig.parameters]


def _read_only(value):
    """A read-only view of an input array: a kernel that writes it fails to compile, on the CPU."""
    if isinstance(value, np.ndarray) and value.flags.writeable:
        value = value.view()
        value.flags.writeable = False
    return value


def launch(device: str, cpu_kernel, body, n: int, *args, **kwargs) -> dict:
    """Run ``body(i, ...)`` for ``i`` in ``range(n)`` on ``device``; return the outputs by name.

    Arguments bind to the parameters of ``cpu_kernel`` (the module's ``prange`` loop over
    ``body``) by position or by name. Parameters named ``out_...`` are the arrays the kernel
    writes: given, they are filled in place; left out, they are allocated as length-``n``
    float arrays (NaN until written). The result maps each output's name without the
    ``out_`` prefix to its array (``{"pue": ..., "water_l_per_mwh_it": ...}``).

    Inputs are passed read-only, so a kernel that writes an array it does not declare as an
    output fails on the CPU (where CI runs), not silently on a GPU.
    """
    sig = kernel_signature(cpu_kernel, body)
    bound = _bind(sig, n, args, kwargs)
    outputs = {p[len(OUTPUT_PREFIX):]: a for p, a in zip(sig.parameters, bound) if p.startswith(OUTPUT_PREFIX)}
    if n == 0:
        return outputs
    values = [a if p.startswith(OUTPUT_PREFIX) else _read_only(a) for p, a in zip(sig.parameters, bound)]
    if device == "cpu":
        from numba.core.errors import TypingError

        try:
            cpu_kernel(*values)
        except TypingError as exc:
            if "readonly" in str(exc):
                raise TypeError(f"{sig.name} writes an input array; declare it as an output "
                                f"(a parameter named {OUTPUT_PREFIX}...)") from exc
            raise
        return outputs
    if device != "cuda":
        raise ValueError(f"device must be 'cpu' or 'cuda', not {device!r}")
    from numba import cuda

    kernel = _cuda_kernel(body, len(values))
    dev_args = [cuda.to_device(a) if isinstance(a, np.ndarray) else a for a in values]
    tpb = CUDA_THREADS_PER_BLOCK
    kernel[(n + tpb - 1) // tpb, tpb](n, *dev_args)
    for p, host, dev in zip(sig.parameters, bound, dev_args):
        if p.startswith(OUTPUT_PREFIX):
            dev.copy_to_host(host)
    return outputs


def pack_constants(kernel: str, names: tuple, values: dict) -> np.ndarray:
    """A kernel's per-call constants as one float64 array in the order of ``names`` (its index
    constants read them by name), each name given exactly once; ``TypeError`` naming the kernel
    and every missing or unknown name otherwise."""
    missing = [name for name in names if name not in values]
    unknown = sorted(set(values) - set(names))
    if missing or unknown:
        raise TypeError(f"{kernel} constants: " + "; ".join(
            f"{what} {', '.join(found)}" for what, found in (("missing", missing), ("unknown", unknown)) if found))
    return np.array([float(values[name]) for name in names], dtype=np.float64)
