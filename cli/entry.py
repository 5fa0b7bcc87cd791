"""The ``placement`` console script: Ctrl-C at any moment, even while the command tree is still
being imported, ends in one line and exit status 130 (never a traceback)."""
import signal
import sys

#: Set once a Ctrl-C has arrived. Some compiled extensions turn a KeyboardInterrupt raised during
#: their import into an ImportError (numba: "numba._devicearray failed to import"); with this
#: record such an error still reads as the interrupt it was.
SIGINT_RECEIVED = []


def _note_ctrl_c(signum, frame):
    SIGINT_RECEIVED.append(signum)
    raise KeyboardInterrupt


def _exit_on_ctrl_c(signum, frame):
    """The Ctrl-C handler while the command tree is imported: nothing is written yet, so say so and
    end at once; raising there could land in a library's import and be printed as a traceback."""
    SIGINT_RECEIVED.append(signum)
    _interrupted_while_importing()


def _redeliver_ctrl_c(unraisable):
    """``sys.unraisablehook``: a Ctrl-C that landed in a callback from C (llvmlite's object-cache
    notification while Numba compiles) cannot propagate there and Python would print it as "Exception
    ignored" and carry on; deliver it again to the main thread a moment later, where it propagates as a
    Ctrl-C."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt) and SIGINT_RECEIVED:
        import _thread
        import threading

        # from another thread, a moment later: by then the main thread is back from the callback
        # (should it land in one again, this hook runs again)
        threading.Timer(0.005, _thread.interrupt_main, (signal.SIGINT,)).start()
        return
    sys.__unraisablehook__(unraisable)


def interrupted_by_ctrl_c():
    """True when a Ctrl-C has reached this process (see :data:`SIGINT_RECEIVED`)."""
    return bool(SIGINT_RECEIVED)


def _interrupted_while_importing():
    import os

    sys.stderr.write("placement: interrupted before any output was written\n")
    sys.stderr.flush()
    os._exit(130)  # not sys.exit: see placement.cli.common._exit_interrupted


def main(argv=None):
    """Import the command tree and run it (:func:`placement.cli.main.main`)."""
    ours = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    if ours:
        signal.signal(signal.SIGINT, _exit_on_ctrl_c)
    sys.unraisablehook = _redeliver_ctrl_c
    try:
        from placement.cli.main import main as run_commands
    except KeyboardInterrupt:
        _interrupted_while_importing()
    except Exception:
        if interrupted_by_ctrl_c():
            _interrupted_while_importing()
        raise
    if ours:  # from here a Ctrl-C raises, so the command can leave its outputs whole
        signal.signal(signal.SIGINT, _note_ctrl_c)
    try:
        run_commands(argv)
    except KeyboardInterrupt:  # after the command's own handling, before the exit
        from placement.cli.common import interrupted

        interrupted()
    finally:
        # The work is done and its outputs are in place: a Ctrl-C during interpreter shutdown
        # has nothing left to interrupt (it used to end the process by SIGINT, status -2).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
