"""The theme's colours, read from static/css/site.css: a light and a dark scheme, each
passing WCAG AA (4.5:1) for the text and links on the backgrounds they sit on."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "static" / "css" / "site.css").read_text()
DARK_QUERY = "@media (prefers-color-scheme: dark)"
# (foreground, background): every pairing of the site's colour variables it draws text in.
TEXT_ON = [
    ("text", "bg"),
    ("muted", "bg"),
    ("accent", "bg"),
    ("accent-dark", "bg"),
    ("error", "bg"),
    ("text", "soft"),
    ("muted", "soft"),
    ("accent", "soft"),
    ("text", "header-bg"),
    ("muted", "header-bg"),
    ("accent", "header-bg"),
    ("text", "held"),
    ("accent", "held"),
    ("text", "field-bg"),
    ("on-accent", "accent"),
    ("on-accent", "accent-dark"),
]
AA = 4.5


def variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", block))


def first_root_block(css: str) -> str:
    return re.search(r":root\s*\{(.*?)\}", css, re.S).group(1)


def schemes() -> dict[str, dict[str, str]]:
    light = variables(first_root_block(CSS))
    dark_media = CSS[CSS.index(DARK_QUERY) :]
    dark = {**light, **variables(first_root_block(dark_media))}
    return {"light": light, "dark": dark}


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_is_computed_as_wcag_defines_it():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_the_dark_scheme_sets_every_colour_the_light_one_does():
    light = variables(first_root_block(CSS))
    dark = variables(first_root_block(CSS[CSS.index(DARK_QUERY) :]))
    assert {"bg", "text", "muted", "accent", "rule", "soft", "on-accent"} <= set(light)
    assert set(dark) == set(light), "a colour the dark scheme leaves light"
    assert luminance(dark["bg"]) < 0.05 < luminance(light["bg"])
    assert "color-scheme: light dark" in CSS


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("foreground", "background"), TEXT_ON)
def test_text_and_links_pass_wcag_aa(scheme, foreground, background):
    colours = schemes()[scheme]
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= AA, f"{foreground} on {background}: {ratio:.2f}:1 in the {scheme} scheme"


def test_the_stylesheet_draws_no_fixed_white_that_the_dark_scheme_would_miss():
    rules = CSS[CSS.index(DARK_QUERY) :].split("}\n}", 1)[1]  # after the variables
    assert not re.search(r"(background|color):\s*#fff(fff)?\b", rules, re.I)
