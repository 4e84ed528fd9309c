"""Any studio colours give readable text: links darkened to 4.5:1, text on buttons white or black."""

from __future__ import annotations

import pytest

from core.contrast import PAGE_BACKGROUND, contrast, ink, text_on

pytestmark = pytest.mark.pure


def test_contrast_is_the_wcag_ratio():
    assert round(contrast("#FFFFFF", "#000000"), 1) == 21.0
    assert round(contrast("#777777", "#FFFFFF"), 2) == 4.48


@pytest.mark.parametrize("brand", ["#1F6FEB", "#F97316", "#FFD700", "#22C55E", "#FFFFFF", "#000000"])
def test_links_in_any_brand_colour_reach_aa_on_the_page(brand):
    assert contrast(ink(brand), PAGE_BACKGROUND) >= 4.5


def test_a_colour_dark_enough_already_is_kept():
    assert ink("#0550AE") == "#0550AE"


@pytest.mark.parametrize(
    ("background", "text"), [("#F97316", "#111111"), ("#1F6FEB", "#FFFFFF"), ("#FFD700", "#111111")]
)
def test_text_on_a_brand_colour_is_the_more_readable_of_white_and_black(background, text):
    assert text_on(background) == text
