"""scripts/export-pdf end to end: a run trained on a real loopcast, the deck exported with
`slidev export` and Debian's chromium, its pages rendered by pdftoppm: the live panels show
that run, not blank boxes."""

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from support.live import REPO
from tests.browser.conftest import SHOTS

SLIDES = "1,5,6"  # the title, the live training slide, the epochs' slide: enough to look at
LOSS = (217, 72, 15)  # losschart.js: the smoothed loss line


def loss_pixels(page: Path) -> int:
    """Pixels close to the loss line's colour on a rendered page."""
    data = Image.open(page).convert("RGB").tobytes()
    pixels = (data[i : i + 3] for i in range(0, len(data), 3))
    return sum(
        1
        for pixel in pixels
        if all(abs(channel - target) < 40 for channel, target in zip(pixel, LOSS, strict=True))
    )


def test_the_exported_pdf_shows_the_last_finished_run(
    make_server: Any, small_data: Path, tmp_path: Path
) -> None:
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: run scripts/setup --test (apt-get install poppler-utils)")
    server = make_server()
    run = server.start_run(epochs=1, batch_size=16)
    server.wait_run(run["id"])
    server.stop()
    pdf = tmp_path / "deck.pdf"
    export = [str(REPO / "scripts" / "export-pdf"), "--db", str(server.db), "--output", str(pdf)]
    subprocess.run(
        [*export, "--data-dir", str(small_data), "--range", SLIDES], check=True, timeout=600
    )
    assert pdf.read_bytes()[:5] == b"%PDF-"
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(tmp_path / "page")], check=True)
    title, mnist, progress = pages = sorted(tmp_path.glob("page-*.png"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    for page in pages:
        shutil.copy(page, SHOTS / f"pdf-{page.name}")
    assert loss_pixels(mnist) > 100  # the run's loss curve is drawn
    assert loss_pixels(progress) > 10  # its train loss, one point per epoch
    assert loss_pixels(title) < 20  # the title slide has none: the count means something
