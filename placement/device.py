"""Choosing where kernels run: ``cpu``, ``cuda`` or ``auto``."""
from __future__ import annotations

from placement.catalogs.validation import InputError
from placement.kernels.targets import cuda_usable

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(device: str) -> str:
    """``'cpu'`` or ``'cuda'`` for a requested device; ``auto`` takes a usable GPU, else the CPU."""
    if device not in DEVICES:
        raise InputError("device", None, device, "must be one of auto, cpu, cuda")
    if device == "cpu":
        return "cpu"
    usable = cuda_usable()
    if device == "cuda" and not usable:
        raise InputError("device", None, device, "no usable CUDA GPU on this machine (use --device cpu or auto)")
    return "cuda" if usable else "cpu"
