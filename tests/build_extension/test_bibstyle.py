"""How one source is printed (walledoff_build.bibstyle): original first, the copy
read as a labelled "Read in ..." link, translation and "Summarises" credits, and
never the maintainer's working note. No build needed."""

from __future__ import annotations

from pybtex.database import parse_string

from walledoff_build.bibstyle import BookStyle, register

register()  # the style names its label and sorting styles "book"

ENTRY = r"""
@online{zzstyle2026test,
  title = {A headline},
  organization = {Reuters},
  date = {2024-03-13},
  url = {https://www.reuters.com/world/us/story},
  copyurl = {https://www.nasdaq.com/articles/story},
  copylabel = {a syndicated copy at Nasdaq},
  translation = {English translation by China Law Translate},
  summarises = {reporting by The Wall Street Journal},
  urldate = {2026-12-01},
  keywords = {primary},
  maintnote = {Headline taken from the URL slug; the original was not seen.}
}
"""


def printed(text: str) -> str:
    entry = parse_string(text, "bibtex").entries["zzstyle2026test"]
    return BookStyle().format_entry("Reuters 2024", entry).text.render_as("text")


def test_original_first_then_the_labelled_copy():
    text = printed(ENTRY)
    assert text.index("https://www.reuters.com/world/us/story") < text.index("Read in a syndicated copy at Nasdaq: https://www.nasdaq.com/articles/story")
    assert "English translation by China Law Translate" in text
    assert "Summarises reporting by The Wall Street Journal" in text
    assert "Primary source" in text


def test_the_working_note_is_never_printed():
    text = printed(ENTRY)
    assert "slug" not in text and "not seen" not in text


def test_without_an_original_address_only_the_copy_is_linked():
    text = printed(ENTRY.replace("  url = {https://www.reuters.com/world/us/story},\n", ""))
    assert "reuters.com" not in text
    assert "Read in a syndicated copy at Nasdaq: https://www.nasdaq.com/articles/story (checked 2026-12-01)" in text
