"""The ``placement`` console script: Ctrl-C at any moment, even while the command tree is still
being imported, ends in one line and exit status 130 (never a traceback)."""
import sys


def main(argv=None):
    """Import the command tree and run it (:func:`placement.cli.main.main`)."""
    try:
        from placement.cli.main import main as run_commands
    except KeyboardInterrupt:
        sys.stderr.write("placement: interrupted before any output was written\n")
        sys.exit(130)
    run_commands(argv)
