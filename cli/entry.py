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
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _note_ctrl_c)
    try:
        from placement.cli.main import main as run_commands
    except KeyboardInterrupt:
        _interrupted_while_importing()
    except Exception:
        if interrupted_by_ctrl_c():
            _interrupted_while_importing()
        raise
    try:
        run_commands(argv)
    except KeyboardInterrupt:  # after the command's own handling, before the exit
        from placement.cli.common import interrupted

        interrupted()
    finally:
        # The work is done and its outputs are in place: a Ctrl-C during interpreter shutdown
        # has nothing left to interrupt (it used to end the process by SIGINT, status -2).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
