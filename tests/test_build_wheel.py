"""scripts/build-wheel: the wheel carries the built deck and the browser pages as package data
(no Node for its users), and leaves the checkout as it found it. scripts/wheel-smoke installs
and runs it."""

import subprocess
import zipfile
from pathlib import Path

from support.live import REPO


def test_the_wheel_carries_the_deck_and_the_pages(tmp_path: Path) -> None:
    build = subprocess.run(
        [str(REPO / "scripts" / "build-wheel"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = tmp_path.glob("loopcast-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (points,) = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
        entry = archive.read(points).decode()
    package = entry.split("loopcast = ", 1)[1].split(".", 1)[0]  # the import package's name
    web = f"{package}/web"
    for expected in (
        f"{web}/deck/index.html",
        f"{web}/static/watch.html",
        f"{web}/static/embed.html",
        f"{web}/static/js/embed.js",
        f"{web}/static/js/panels/index.js",
        f"{web}/static/vendor/uPlot.esm.js",
        f"{package}/cli.py",
    ):
        assert expected in names, expected
    assert not [name for name in names if "/js/test/" in name or name.endswith(".d.ts")]
    assert not (REPO / "server" / "web").exists() and not (REPO / "build").exists()
