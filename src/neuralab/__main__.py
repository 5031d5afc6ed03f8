"""``python -m neuralab``: the same command line as the ``neuralab`` script."""

import sys

from neuralab.cli import main

if __name__ == "__main__":
    sys.exit(main())
