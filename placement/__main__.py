"""``python -m placement`` is the ``placement`` command."""
from placement.cli.entry import main

if __name__ == "__main__":
    main()
