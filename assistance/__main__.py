"""`python -m assistance …`: the command line (see assistance/cli/)."""

import sys

from assistance.cli.main import main

sys.exit(main())
