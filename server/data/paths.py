"""Where loopcast keeps its files by default: under the user's data folder (XDG)."""

import os
from pathlib import Path


def user_data_root() -> Path:
    """`$XDG_DATA_HOME/loopcast`, else `~/.local/share/loopcast`."""
    base = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec says to ignore a relative XDG_DATA_HOME.
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "loopcast"


def default_data_dir() -> Path:
    """LOOPCAST_DATA_DIR, else `<user_data_root>/data`."""
    configured = os.environ.get("LOOPCAST_DATA_DIR")
    return Path(configured) if configured else user_data_root() / "data"


def default_db_path() -> Path:
    return user_data_root() / "runs.db"
