"""`python -m loopcast` is the same as the `loopcast` command."""

from .cli import main

raise SystemExit(main())
