"""The house chart style: one named palette, one font, one Altair theme.

Colours are the Okabe-Ito set (safe for the common kinds of colour blindness)
without its yellow, which is too pale on white, plus two greys. Chapters name
colours (``"blue"``, ``"vermillion"``) instead of typing hex codes, so the book
has one palette and a colour can be changed in one place.
"""

from __future__ import annotations

import altair as alt

#: The book's palette, by name. Nothing outside this module types a hex code.
PALETTE = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "orange": "#E69F00",
    "green": "#009E73",       # Okabe-Ito's "bluish green"
    "sky": "#56B4E9",         # Okabe-Ito's "sky blue"
    "purple": "#CC79A7",      # Okabe-Ito's "reddish purple"
    "dark_grey": "#555555",
    "grey": "#999999",
    "light_grey": "#BBBBBB",
    "black": "#000000",
}
#: Each thread of the story has one colour in every chart.
THEME_COLOURS = {
    "texas": PALETTE["blue"],
    "clover": PALETTE["green"],
    "law": PALETTE["vermillion"],
    "shop": PALETTE["orange"],
    "bans": PALETTE["purple"],
    "legislation": PALETTE["sky"],
    "corporate": PALETTE["dark_grey"],
}
#: The order colours are handed out in when a chart does not name them.
CATEGORY_ORDER = list(THEME_COLOURS.values())
#: Fonts: the reader's system sans-serif; nothing is fetched.
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
#: Width of the static (print / no-JavaScript) rendering, in pixels.
STATIC_WIDTH = 640


def colour(name: str) -> str:
    """The hex code of a palette colour; an unknown name lists the known ones."""
    try:
        return PALETTE[name]
    except KeyError:
        raise KeyError(f"no colour {name!r} in the book's palette "
                       f"(known: {', '.join(PALETTE)})") from None


def colour_scale(mapping: dict[str, str], present=None) -> alt.Scale:
    """A colour scale from ``{category: palette name}``.

    With ``present`` (the values the data actually holds), categories the data
    lacks are left out, so a legend never lists a colour that is not drawn.
    """
    keys = [k for k in mapping if present is None or k in set(present)]
    return alt.Scale(domain=keys, range=[colour(mapping[k]) for k in keys])


def theme_scale(themes=None) -> alt.Scale:
    """A colour scale that gives each thread its fixed colour."""
    themes = list(themes or THEME_COLOURS)
    return alt.Scale(domain=themes, range=[THEME_COLOURS[t] for t in themes])


def book_theme() -> dict:
    """The book's Altair theme: type, palette, quiet axes, full-width charts."""
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "view": {"stroke": None, "continuousWidth": STATIC_WIDTH, "continuousHeight": 300},
            "title": {"fontSize": 16, "fontWeight": 600, "anchor": "start", "offset": 12,
                      "subtitleFontSize": 13, "subtitleColor": "#444"},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": 500,
                     "labelColor": "#333", "titleColor": "#333", "gridColor": "#e6e6e6",
                     "domainColor": "#888", "tickColor": "#888"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom",
                       "direction": "horizontal", "columns": 4},
            "range": {"category": CATEGORY_ORDER},
            "bar": {"color": PALETTE["blue"]},
            "point": {"color": PALETTE["blue"], "filled": True, "size": 70},
            "line": {"color": PALETTE["blue"], "strokeWidth": 2},
        }
    }


def enable_theme() -> None:
    """Switch on the book's theme (safe to call more than once)."""
    alt.theme.register("book", enable=True)(book_theme)
