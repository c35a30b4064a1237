"""`python -m server` is the same as the `loopcast` command."""

from server.cli import main

raise SystemExit(main())
