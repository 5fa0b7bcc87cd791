"""A HiGHS handle (highspy) with its logging off and its start-up banner kept off standard output,
shared by the whole-horizon program (:mod:`placement.plan.horizon`) and the exact layer program of
the rolling plan (:mod:`placement.plan.solve`)."""
from __future__ import annotations

__all__ = ["new_highs"]


def new_highs():
    """A ``highspy.Highs`` with its logging off. Its constructor prints a banner on the process's
    standard output (C level), which would corrupt ``--format json``: file descriptor 1 points at
    the null device while it is made."""
    import ctypes
    import os
    import sys

    import highspy

    try:
        libc = ctypes.CDLL(None)
    except OSError:  # no C library to flush (not POSIX): take the banner
        libc = None
    sys.stdout.flush()
    if libc is not None:
        libc.fflush(None)
    saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    try:
        h = highspy.Highs()
        if libc is not None:
            libc.fflush(None)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)
    h.setOptionValue("output_flag", False)
    return h
