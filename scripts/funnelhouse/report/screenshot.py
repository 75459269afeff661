"""Render an HTML file in headless Chromium and check the screenshot is not blank."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

BROWSERS: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome")


@dataclass(frozen=True)
class ScreenshotCheck:
    path: Path
    width: int
    height: int
    ink_share: float  # share of pixels that are not the page background
    colours: int  # distinct colours in a 64-level quantisation

    @property
    def blank(self) -> bool:
        return self.ink_share < 0.01 or self.colours < 16


def find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def screenshot(html: Path, png: Path, *, width: int = 1280, height: int = 4000) -> Path:
    """Headless Chromium screenshot of ``html`` (no network, a throwaway profile)."""
    browser = find_browser()
    if browser is None:
        raise FileNotFoundError("no chromium found (Debian: apt-get install -y chromium)")
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        subprocess.run(
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
                f"--screenshot={png.resolve()}",
                f"--window-size={width},{height}",
                html.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    if not png.is_file():
        raise FileNotFoundError(f"chromium wrote no screenshot to {png}")
    return png


def check_screenshot(png: Path) -> ScreenshotCheck:
    """Measure how much of the screenshot is drawn (background = the most common colour)."""
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
        )
