"""The PNG writer of the views (:mod:`ikg.viz.png`), read back by Pillow: pixels, mode, resolution, texts."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ikg.viz.png import png_bytes, write_png


def _read(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        image.verify()  # chunk lengths and CRCs
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _pixels(height: int, width: int, opaque: bool) -> np.ndarray:
    rng = np.random.default_rng(7)
    rgba = rng.integers(0, 256, size=(height, width, 4), dtype=np.uint8)
    if opaque:
        rgba[..., 3] = 255
    return rgba


def test_an_opaque_image_is_written_as_rgb_with_its_pixels_resolution_and_texts() -> None:
    rgba = _pixels(37, 53, opaque=True)
    image = _read(png_bytes(rgba, 150, {"Software": "ikg", "Title": "Akteursnetz"}))
    assert image.mode == "RGB" and image.size == (53, 37)
    assert np.array_equal(np.asarray(image), rgba[..., :3])
    assert image.info["dpi"] == pytest.approx((150, 150), abs=0.02)
    assert image.info["Software"] == "ikg" and image.info["Title"] == "Akteursnetz"


def test_an_image_with_transparency_keeps_its_alpha_channel() -> None:
    rgba = _pixels(5, 4, opaque=False)
    rgba[0, 0, 3] = 0
    image = _read(png_bytes(rgba, 72))
    assert image.mode == "RGBA"
    assert np.array_equal(np.asarray(image), rgba)


def test_a_text_beyond_latin_1_is_kept_as_utf_8() -> None:
    image = _read(png_bytes(_pixels(2, 2, opaque=True), 96, {"Title": "Netz – ماهر"}))
    assert image.info["Title"] == "Netz – ماهر"


def test_the_same_pixels_give_the_same_bytes_and_a_path_is_written(tmp_path: Path) -> None:
    rgba = _pixels(3, 3, opaque=True)
    assert png_bytes(rgba, 150) == png_bytes(rgba.copy(), 150)
    path = tmp_path / "view.png"
    write_png(path, rgba, 150)
    assert path.read_bytes() == png_bytes(rgba, 150)


@pytest.mark.parametrize(
    "bad", [np.zeros((2, 2, 3), np.uint8), np.zeros((2, 2, 4), np.float32), np.zeros((4, 4), np.uint8)]
)
def test_anything_but_rgba_bytes_is_refused(bad: np.ndarray) -> None:
    with pytest.raises(ValueError, match="RGBA"):
        png_bytes(bad, 72)
