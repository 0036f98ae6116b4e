"""What the build knows about the book as a whole: its pages and teaching files.

Everything here works from ``_toc.yml``, so a chapter added to the table of
contents gets every feature without typing anything per page.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from walledoff_notebook.meta import metadata
from walledoff_notebook.paths import REPO_ROOT

#: The repository's teaching files (glossary, class plans, redirects, anchors).
TEACHING_DIR = REPO_ROOT / "teaching"
GLOSSARY_FILE = TEACHING_DIR / "glossary.yml"
CLASSES_FILE = TEACHING_DIR / "classes.yml"
REDIRECTS_FILE = TEACHING_DIR / "redirects.yml"
#: Where the notebooks and the archive go in the built site.
NOTEBOOK_DIR = "notebooks"
#: Where the data package's files are copied in the built site.
SITE_DATA_DIR = "data"


#: A MyST section label line, ``(label)=``; group 1 is the label.
LABEL = re.compile(r"^\(([\w-]+)\)=\s*$", re.M)
#: A chart cell's figure name in its metadata, ``name: fig-...``; group 1 is the name.
FIGURE_NAME = re.compile(r"^\s*name:\s*(fig-[\w-]+)\s*$", re.M)


def toc_pages(confdir) -> list[str]:
    """Every page in ``_toc.yml``, in order (root first)."""
    toc = yaml.safe_load((Path(confdir) / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [re.sub(r"\.(md|ipynb)$", "", p) for p in pages]


def is_notebook(path: Path) -> bool:
    """A MyST page with a kernel (jupytext header) is a notebook chapter."""
    if not path.exists():
        return False
    text = path.read_text(encoding="utf-8")
    front = text.split("---")[1] if text.startswith("---") else ""
    return "kernelspec:" in front


def notebook_name(docname: str) -> str:
    """``texas.ipynb`` for ``chapters/texas``."""
    return docname.rsplit("/", 1)[-1] + ".ipynb"


def archive_name() -> str:
    """The file name of the archive of every notebook, with the book's version."""
    return f"walled-off-notebooks-{metadata().version}.zip"


def load_yaml(path: Path) -> dict:
    """A teaching file, parsed (empty when the file is empty)."""
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """``what-you-will-learn`` for "What you will learn"."""
    return _SLUG.sub("-", text.lower()).strip("-")


#: The caption of the part of ``_toc.yml`` whose pages are numbered chapters.
STORY_PART = "The story"


def chapter_numbers(confdir) -> dict[str, int]:
    """``{"chapters/law": 3, ...}``: each page of the story part, numbered from 1 in
    ``_toc.yml`` order (figures are numbered per chapter: Figure 3.2)."""
    toc = yaml.safe_load((Path(confdir) / "_toc.yml").read_text(encoding="utf-8"))
    for part in toc.get("parts", []):
        if part.get("caption") == STORY_PART:
            files = [re.sub(r"\.(md|ipynb)$", "", e["file"]) for e in part.get("chapters", []) if "file" in e]
            return {page: number for number, page in enumerate(files, 1)}
    return {}


def page_matches(confdir, pattern: re.Pattern) -> dict[str, str]:
    """Every match of ``pattern`` (its group 1) in the pages of ``_toc.yml``, and its page."""
    found = {}
    for page in toc_pages(confdir):
        path = Path(confdir) / f"{page}.md"
        if path.exists():
            for match in pattern.findall(path.read_text(encoding="utf-8")):
                found[match] = page
    return found
