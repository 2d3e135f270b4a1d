"""``python -m tsrnn``: the same as the ``tsrnn`` console script."""

import sys

from tsrnn.cli import main

sys.exit(main())
