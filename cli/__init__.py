"""The ``placement`` command line (click). Thin: parse, call ``placement``, print."""
