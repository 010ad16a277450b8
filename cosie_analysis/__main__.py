"""``python -m cosie_analysis`` is the same as the ``cosie-analysis`` command."""

from cosie_analysis.cli import main

raise SystemExit(main())
