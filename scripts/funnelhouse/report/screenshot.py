"""Render an HTML file in headless Chromium and check the screenshot is not blank.

``check_screenshot`` measures the drawn share of the whole image and of every band of ``BAND``
pixels: a band with nothing drawn (a section that rendered empty) fails the check. Full-height
pages are captured by ``funnelhouse.dashboard.render_check.check_page`` (it measures the page's
height and its broken images in Chromium first).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

BROWSERS: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome")
BAND = 2000  # pixels per band of the band-wise check


@dataclass(frozen=True)
class ScreenshotCheck:
    path: Path
    width: int
    height: int
    ink_share: float  # share of pixels that are not the page background
    colours: int  # distinct colours in a 64-level quantisation
    blank_bands: tuple[int, ...] = ()  # top pixel of every band with nothing drawn

    @property
    def blank(self) -> bool:
        return self.ink_share < 0.01 or self.colours < 16 or bool(self.blank_bands)


def find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def _chromium(arguments: list[str], timeout: int = 300) -> str:
    """Run headless Chromium (no network, a throwaway profile); its stdout."""
    browser = find_browser()
    if browser is None:
        raise FileNotFoundError("no chromium found (Debian: apt-get install -y chromium)")
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        done = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                *arguments,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    return done.stdout


def screenshot(html: Path, png: Path, *, width: int = 1280, height: int = 4000) -> Path:
    """Headless Chromium screenshot of the top ``height`` pixels of ``html``."""
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    _chromium(
        [
            f"--screenshot={png.resolve()}",
            f"--window-size={width},{height}",
            html.resolve().as_uri(),
        ]
    )
    if not png.is_file():
        raise FileNotFoundError(f"chromium wrote no screenshot to {png}")
    return png


def blank_bands(pixels: np.ndarray, band: int = BAND, min_ink: float = 0.01) -> tuple[int, ...]:
    """Top pixel of every band of ``band`` rows with less than ``min_ink`` drawn (not the
    most common colour of the image); a last band shorter than half a band is not judged."""
    colours, counts = np.unique(pixels.reshape(-1), return_counts=True)
    background = colours[np.argmax(counts)]
    empty = []
    for top in range(0, pixels.shape[0], band):
        rows = pixels[top : top + band]
        if rows.shape[0] < band // 2 and top > 0:
            break
        if np.mean(rows != background) < min_ink:
            empty.append(top)
    return tuple(empty)


def check_screenshot(png: Path) -> ScreenshotCheck:
    """Measure how much of the screenshot is drawn (background = the most common colour),
    over the whole image and band by band."""
    with Image.open(png) as image:
        rgb = image.convert("RGB")
        quantised = rgb.quantize(colors=64)
        histogram = sorted(quantised.histogram(), reverse=True)
        total = rgb.width * rgb.height
        return ScreenshotCheck(
            path=png,
            width=rgb.width,
            height=rgb.height,
            ink_share=1 - histogram[0] / total,
            colours=sum(1 for count in histogram if count > 0),
            blank_bands=blank_bands(np.asarray(quantised)),
        )
