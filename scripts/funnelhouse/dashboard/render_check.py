"""Render a page in headless Chromium at its full height and say whether it looks broken.

A first pass runs the page with a small probe script added (on a copy) and reads back, from
the DOM Chromium dumps, the document height and the images that failed to load; the second
pass takes a screenshot of exactly that height. A page is broken when an image did not load,
the screenshot is blank (report.screenshot.check_screenshot), or its last tenth is blank (cut).
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from funnelhouse.report.screenshot import (
    ScreenshotCheck,
    check_screenshot,
    find_browser,
    screenshot,
)

PROBE = (
    "<script>window.addEventListener('load', () => { const broken = [...document.images]"
    ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt); "
    "document.body.setAttribute('data-probe', JSON.stringify({height: "
    "document.documentElement.scrollHeight, images: document.images.length, broken}));});"
    "</script>"
)
_PROBE_OUT = re.compile(r"data-probe=\"([^\"]*)\"")
WIDTH = 1280


@dataclass(frozen=True)
class RenderCheck:
    height: int
    images: int
    broken_images: list[str]
    page: ScreenshotCheck
    bottom: ScreenshotCheck

    @property
    def broken(self) -> bool:
        return bool(self.broken_images) or self.page.blank or self.bottom.ink_share < 0.002


def probe(html: Path) -> dict:
    """Height, image count and failed images of `html` after load, measured in Chromium."""
    with tempfile.TemporaryDirectory(prefix="probe-") as folder:
        copy = Path(folder) / html.name
        copy.write_text(html.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"))
        dom = subprocess.run(
            [find_browser() or "chromium", "--headless", "--no-sandbox", "--disable-gpu",
             f"--user-data-dir={folder}/profile", f"--window-size={WIDTH},800",
             "--virtual-time-budget=10000", "--dump-dom", copy.resolve().as_uri()],
            check=True, capture_output=True, text=True, timeout=120,
        ).stdout  # fmt: skip
    match = _PROBE_OUT.search(dom)
    if match is None:
        raise RuntimeError(f"the page never finished loading: {html}")
    return json.loads(match.group(1).replace("&quot;", '"'))


def check_page(html: Path, png: Path) -> RenderCheck:
    measured = probe(html)
    screenshot(html, png, width=WIDTH, height=int(measured["height"]))
    bottom_png = png.with_name(png.stem + "-bottom.png")
    with Image.open(png) as image:
        top = int(image.height * 0.9)
        image.crop((0, top, image.width, image.height)).save(bottom_png)
    return RenderCheck(
        height=int(measured["height"]),
        images=int(measured["images"]),
        broken_images=list(measured["broken"]),
        page=check_screenshot(png),
        bottom=check_screenshot(bottom_png),
    )
