"""Where loopcast keeps its data by default: under the user's data folder (XDG)."""

import os
from pathlib import Path


def user_data_root() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "loopcast"


def default_data_dir() -> Path:
    configured = os.environ.get("LOOPCAST_DATA_DIR")
    return Path(configured) if configured else user_data_root() / "data"


def default_db_path() -> Path:
    return user_data_root() / "runs.db"
