"""Readable colours from a studio's brand colours (WCAG 2 contrast), so any branding stays accessible.

A studio picks its primary and accent colours freely; text drawn in or on them must still reach a
contrast of 4.5:1 (WCAG AA for body text). Colours are "#RRGGBB" strings throughout.
"""

from __future__ import annotations

PAGE_BACKGROUND = "#F6F8FA"  # static/css/fitwell.css body background
DARK_TEXT = "#111111"
LIGHT_TEXT = "#FFFFFF"
AA = 4.5


def _channels(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luminance(color: str) -> float:
    """WCAG relative luminance of "#RRGGBB", from 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in _channels(color))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 to 21."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(background: str) -> str:
    """White or near-black, whichever reads better on `background`."""
    return LIGHT_TEXT if contrast(LIGHT_TEXT, background) >= contrast(DARK_TEXT, background) else DARK_TEXT


def ink(color: str, *, background: str = PAGE_BACKGROUND, ratio: float = AA) -> str:
    """`color` darkened (mixed with black, in 5 % steps) until text in it reaches `ratio` on `background`."""
    red, green, blue = _channels(color)
    for step in range(21):
        keep = 1 - step / 20
        mixed = f"#{round(red * keep):02X}{round(green * keep):02X}{round(blue * keep):02X}"
        if contrast(mixed, background) >= ratio:
            return mixed
    return "#000000"
