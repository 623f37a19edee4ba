"""`python -m kg` runs the same CLI as the `kg` command."""

import sys

from kg.cli import main

sys.exit(main())
