"""`python -m carecharge.bench`: see carecharge.bench."""

import sys

from carecharge.bench import main

sys.exit(main())
