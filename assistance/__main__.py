"""`python -m assistance …`: the command line (see cli.py)."""

import sys

from assistance.cli import main

sys.exit(main())
