"""``python -m bmdsim``: the same as the ``bmdsim`` command."""

import sys

from bmdsim.cli.main import main

sys.exit(main())
