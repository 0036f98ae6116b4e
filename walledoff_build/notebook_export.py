"""A chapter as a downloadable notebook that reads like its page.

The chapter's MyST source is written for the book's build: glued numbers
(``{glue:text}``), citations (``{cite:p}``), cross-references, ``(label)=``
targets and directives only mean something inside Sphinx. A student opening
the notebook in Jupyter would read the markup. This module writes each
chapter as plain Jupyter Markdown instead:

* glued numbers become their values (from the build's executed notebook);
* citations become author-year text, "(Reuters 2024b; AP 2023)", and each
  ``{bibliography}`` block becomes a list of the works, each linked; a
  chapter without one gets a References cell at the end;
* cross-references (``{ref}``, ``{numref}``, ``{doc}``) become links to the
  online book; ``(label)=`` lines are dropped; admonitions become quotes;
* each chart keeps its output as the build drew it: live Vega-Lite, which
  JupyterLab draws itself, offline, with the static SVG as the fallback (the
  book's own chart marker and MyST tables are dropped); its caption and source
  line follow it as text;
* the first cell says what the notebook needs and the first code cell checks
  it, with an error that says exactly what to download and install.

:func:`myst_left` lists any MyST syntax left in a Markdown text (the tests use it).
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from walledoff_notebook.figures import CHART_MIME
from walledoff_notebook.meta import metadata
from walledoff_notebook.tables import MYST_MIME

#: A MyST role: ``{name}`content```.
ROLE = re.compile(r"\{([a-zA-Z][\w:+-]*)\}`([^`]*)`")
#: A MyST target line: ``(label)=``.
TARGET = re.compile(r"^\(([^()\s]+)\)=\s*$")
#: The opening line of a MyST directive: ```` ```{name} args ```` or ``:::{name}``.
DIRECTIVE = re.compile(r"^(\s*)(`{3,}|~{3,}|:{3,})\{([\w:-]+)\}\s*(.*)$")
#: Admonitions rendered as quotes, with their name as the title when they have none.
ADMONITIONS = {"admonition", "note", "tip", "important", "warning", "caution", "attention",
               "danger", "error", "hint", "seealso"}
GLUE_ROLES = {"glue", "glue:text", "glue:md", "glue:any"}


def myst_left(text: str) -> list[str]:
    """Every piece of MyST-only syntax in a Markdown text (empty for plain Jupyter Markdown)."""
    found = [m.group(0) for m in ROLE.finditer(text)]
    for line in text.splitlines():
        if TARGET.match(line) or DIRECTIVE.match(line):
            found.append(line.strip())
        if re.match(r"^\s*:[\w-]+:\s", line):  # a directive option
            found.append(line.strip())
    return found


@dataclass
class Context:
    """What converting one chapter needs from the build."""

    docname: str
    glue: dict = field(default_factory=dict)          # name -> text value
    labels: dict = field(default_factory=dict)        # label -> (docname, anchor, title)
    titles: dict = field(default_factory=dict)        # docname -> title
    fignumbers: dict = field(default_factory=dict)    # figure id -> "3"
    cited: list = field(default_factory=list)         # keys, in order of first citation

    def cite(self, keys) -> list[str]:
        for key in keys:
            if key not in self.cited:
                self.cited.append(key)
        from walledoff_notebook.sources import citation_labels

        labels = citation_labels()
        return [labels.get(key, key) for key in keys]


def glue_text(ctx: Context, content: str) -> str:
    """A glued value as myst-nb's ``{glue:text}`` prints it (quotes dropped, format applied)."""
    name, _, spec = content.partition(":")
    if name.strip() not in ctx.glue:
        raise KeyError(f"{ctx.docname}: no glued value named {name.strip()!r}")
    value = ctx.glue[name.strip()]
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            value = value[1:-1]
    if spec:
        value = format(float(value), spec)
    return str(value)


def _target(content: str) -> tuple[str, str]:
    """``("text", "label")`` from ``text <label>``; ``("", "label")`` from ``label``."""
    match = re.match(r"^(.*?)\s*<([^<>]+)>\s*$", content, re.S)
    return (match.group(1).strip(), match.group(2).strip()) if match else ("", content.strip())


def _role(ctx: Context, name: str, content: str) -> str:
    meta = metadata()
    if name in GLUE_ROLES:
        return glue_text(ctx, content)
    if name.startswith("cite"):
        keys = [k.strip() for k in content.split(",") if k.strip()]
        shown = ctx.cite(keys)
        if name in ("cite:empty",):
            return ""
        if name in ("cite:t", "cite:ts", "cite:author"):
            return "; ".join(shown)
        return "(" + "; ".join(shown) + ")"
    if name in ("ref", "numref"):
        text, label = _target(content)
        docname, anchor, title = ctx.labels.get(label, (ctx.docname, label, label))
        if name == "numref":
            number = ctx.fignumbers.get(label, "")
            text = (text or "Figure %s").replace("%s", number).replace("{number}", number)
        return f"[{text or title}]({meta.url(docname, anchor)})"
    if name == "doc":
        text, target = _target(content)
        docname = target.lstrip("/").removesuffix(".md")
        if not target.startswith("/"):
            docname = str(Path(ctx.docname).parent / docname).lstrip("./") if "/" in ctx.docname else docname
        return f"[{text or ctx.titles.get(docname, docname)}]({meta.url(docname)})"
    if name in ("math",):
        return f"${content}$"
    text, _ = _target(content)
    return text or content  # term, zh, sub-ref, abbr ...: the words themselves


def _reference(key: str) -> str:
    """One work in a References list, linked: label, title, publisher, date, the copy read."""
    from walledoff_notebook.sources import bibliography, year_of

    src = bibliography()[key]
    title = src.title.replace("[", "\\[").replace("]", "\\]")
    line = f"- **{src.short}**. " + (f"[{title}]({src.url})" if src.url else title)
    line += f". {src.publisher}, {src.date if src.date != 'undated' else year_of(src.date)}."
    if src.copyurl:
        line += f" Read in [{src.copylabel or 'a copy'}]({src.copyurl})."
    if src.translation:
        line += f" {src.translation}."
    return line


def references(keys: list[str], which: str = "all") -> str:
    """The works among ``keys`` (``which``: all, primary or other), sorted by label, one a line."""
    from walledoff_notebook.sources import bibliography

    known = bibliography()
    chosen = [k for k in keys if k in known and (which == "all"
              or (which == "primary") == known[k].primary)]
    chosen.sort(key=lambda k: (known[k].short.lower(), k))
    return "\n".join(_reference(k) for k in chosen) or "*(None cited.)*"


def _directive(ctx: Context, name: str, args: str, body: list[str], bibliographies: list) -> str:
    options = {}
    while body and re.match(r"^\s*:[\w-]+:", body[0]):
        key, _, value = body.pop(0).strip()[1:].partition(":")
        options[key] = value.strip()
    text = "\n".join(body).strip("\n")
    if name == "bibliography":
        flt = options.get("filter", "")
        which = ("other" if 'not keywords % "primary"' in flt
                 else "primary" if 'keywords % "primary"' in flt else "all")
        marker = f"\x00BIBLIOGRAPHY{len(bibliographies)}\x00"
        bibliographies.append(which)
        return marker
    if name in ADMONITIONS:
        title = args.strip() or name.capitalize()
        inner = convert_markdown(ctx, text, bibliographies)
        return "\n".join([f"> **{title}**", ">"] + [f"> {line}" if line else ">"
                                                     for line in inner.splitlines()])
    if name in ("figure", "image"):
        return f"![{convert_markdown(ctx, text, bibliographies) or args}]({args})"
    meta = metadata()
    return f"*(This part of the page is shown in the online book: {meta.url(ctx.docname)})*"


def convert_markdown(ctx: Context, text: str, bibliographies: list | None = None) -> str:
    """One Markdown cell's MyST as plain Jupyter Markdown (see the module docstring)."""
    bibliographies = [] if bibliographies is None else bibliographies
    lines, out, index = text.splitlines(), [], 0
    while index < len(lines):
        line = lines[index]
        if TARGET.match(line):
            index += 1
            continue
        match = DIRECTIVE.match(line)
        if match:
            fence = match.group(2)
            end = index + 1
            while end < len(lines) and not re.match(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$",
                                                     lines[end]):
                end += 1
            out.append(_directive(ctx, match.group(3), match.group(4), lines[index + 1:end],
                                  bibliographies))
            index = end + 1
            continue
        out.append(line)
        index += 1
    joined = "\n".join(out)
    # a role may span a line break in the source: match over the whole cell
    joined = ROLE.sub(lambda m: _role(ctx, m.group(1), " ".join(m.group(2).split())), joined)
    return escape_dollars(re.sub(r"\n{3,}", "\n\n", joined).strip("\n"))


#: Code in Markdown (fenced blocks, inline spans), where a dollar sign is only a dollar sign.
_CODE = re.compile(r"(^```.*?^```$|`[^`\n]*`)", re.S | re.M)


def escape_dollars(text: str) -> str:
    """``$2 billion`` as text: Jupyter reads ``$...$`` as mathematics, MyST (here) does not."""
    parts = _CODE.split(text)
    return "".join(part if index % 2 else re.sub(r"(?<!\\)\$", r"\\$", part)
                   for index, part in enumerate(parts))


def unescaped_dollars(text: str) -> list[str]:
    """Dollar signs outside code that Jupyter would read as mathematics (for the tests)."""
    return [m.group(0) for part in _CODE.split(text)[::2]
            for m in re.finditer(r"(?<!\\)\$[^$\n]{0,20}", part)]


def _clean_outputs(ctx: Context, outputs: list) -> tuple[list, list[dict]]:
    """Outputs as Jupyter shows them: no glue records, no build-only mime types; the chart markers."""
    kept, charts = [], []
    for output in outputs:
        if output.get("metadata", {}).get("scrapbook"):
            continue  # a glued value: it is in the text now
        data = output.get("data")
        if data is not None:
            if CHART_MIME in data:
                marker = data[CHART_MIME]
                charts.append(json.loads(marker) if isinstance(marker, str) else marker)
            if MYST_MIME in data:
                myst = data[MYST_MIME]
                myst = json.loads(myst) if isinstance(myst, str) else myst
                for m in ROLE.finditer(myst.get("myst", "")):
                    if m.group(1).startswith("cite"):
                        ctx.cite([k.strip() for k in m.group(2).split(",") if k.strip()])
            for mime in (CHART_MIME, MYST_MIME):
                data.pop(mime, None)
                output.get("metadata", {}).pop(mime, None)
            if not data:
                continue
        kept.append(output)
    return kept, charts


def _caption_cell(ctx: Context, cell, marker: dict) -> str:
    figure = cell.metadata.get("mystnb", {}).get("figure", {})
    caption = " ".join(str(figure.get("caption", "")).split())
    number = ctx.fignumbers.get(figure.get("name", ""), "")
    shown = ctx.cite(marker.get("sources", []))
    label = "Source" if len(shown) == 1 else "Sources"
    sources = (f"Compiled from {len(shown)} sources, each listed at the end of this notebook."
               if len(shown) > 8 else f"{label}: " + "; ".join(shown) + ".")
    data = f"Data: `data/{marker['dataset']}.csv`. " if marker.get("dataset") else ""
    text = f"**Figure {number}.** " if number else "**Figure.** "
    text += convert_markdown(ctx, caption) + f"\n\n{data}{sources}"
    description = " ".join(str(cell.metadata.get("chart", {}).get("description", "")).split())
    if description:
        text += "\n\n*Described:* " + convert_markdown(ctx, description)
    return text


def intro_cell(docname: str) -> str:
    from walledoff_build.book import NOTEBOOK_DIR, archive_name, notebook_name

    meta = metadata()
    zip_url = f"{meta.base_url}{NOTEBOOK_DIR}/{archive_name()}"
    return (
        f"*From **{meta.title}**, version {meta.version} ({meta.date_released}). "
        f"This chapter online: {meta.url(docname)}*\n\n"
        "**What this notebook needs.** It reads the book's tables through the book's notebook "
        "library, so it runs inside the folder of the notebook archive "
        f"[`{archive_name()}`]({zip_url}), from its `chapters/` folder, with the library "
        "(`walledoff_notebook/`) and the tables (`data/`) one level up. Unzip the archive, then in "
        "its top folder (Python 3.11):\n\n"
        "```\npython3.11 -m venv .venv\n"
        ".venv/bin/pip install -r requirements-notebooks.txt\n"
        f".venv/bin/jupyter lab chapters/{notebook_name(docname)}\n```\n\n"
        "`requirements-notebooks.txt` installs pandas, Altair, JupyterLab and the library's own "
        "needs (vl-convert, Frictionless, pybtex, PyYAML), nothing from the book's build. The "
        "library is not on PyPI: do not `pip install` a package with a similar name (it was once "
        "called `evidence`, and `pip install evidence` installs an unrelated package). The first "
        "code cell checks all this and says what is missing.\n\n"
        "**Reading it.** The outputs are the ones the book was built with; Run > Run All Cells "
        "draws them again from `data/`. Charts are live in JupyterLab (hover for details, use any "
        "drop-downs); a viewer that cannot draw them shows a static image. Citations such as "
        "(Reuters 2024b) are listed, with links, under the sources at the end; links to other "
        "sections open the online book. Cells tagged `remove-cell` are hidden in the book; cells "
        "tagged `hide-cell` hold worked answers.\n\n"
        f"Text: {meta.licences['text']['name']}; code: {meta.licences['code']['name']}.")


def guard_cell(docname: str) -> str:
    from walledoff_build.book import NOTEBOOK_DIR, archive_name, notebook_name

    meta = metadata()
    zip_url = f"{meta.base_url}{NOTEBOOK_DIR}/{archive_name()}"
    return (
        "# What this notebook needs (see the first cell): the folders walledoff_notebook/ and data/\n"
        "# of the book's notebook archive one level up, and requirements-notebooks.txt installed.\n"
        "import sys\nfrom pathlib import Path\n\n"
        "BOOK_FOLDER = Path.cwd().parent\n"
        "if not ((BOOK_FOLDER / \"walledoff_notebook\").is_dir() and (BOOK_FOLDER / \"data\").is_dir()):\n"
        "    raise ImportError(\n"
        "        \"This notebook needs the book's notebook library and tables, the folders \"\n"
        "        \"walledoff_notebook/ and data/, one level above it. Download \"\n"
        f"        \"{archive_name()} ({zip_url}), unzip it, run \"\n"
        "        \"`pip install -r requirements-notebooks.txt` in its top folder and open \"\n"
        f"        \"chapters/{notebook_name(docname)} from there. The library is not on PyPI: \"\n"
        "        \"a package with a similar name is not it (`pip install evidence` installs an \"\n"
        "        \"unrelated package).\")\n"
        "sys.path.insert(0, str(BOOK_FOLDER))\n"
        "import walledoff_notebook  # a missing package fails here, naming the file that installs it")


def convert(notebook, ctx: Context):
    """The chapter notebook (executed or not) as a download that reads like the page."""
    import nbformat

    cells, bibliographies = [], []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = convert_markdown(ctx, cell.source, bibliographies)
            cell.metadata.pop("jupytext", None)
            if cell.source.strip():
                cells.append(cell)
            continue
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        outputs, charts = _clean_outputs(ctx, cell.get("outputs", []))
        cell.outputs = outputs
        cells.append(cell)
        for marker in charts:
            cells.append(nbformat.v4.new_markdown_cell(_caption_cell(ctx, cell, marker)))
    # the lists of works, now that every citation (prose, tables, charts) is known
    for cell in cells:
        if cell.cell_type == "markdown" and "\x00BIBLIOGRAPHY" in cell.source:
            cell.source = re.sub(r"\x00BIBLIOGRAPHY(\d+)\x00",
                                 lambda m: escape_dollars(references(ctx.cited,
                                                                     bibliographies[int(m.group(1))])),
                                 cell.source)
    if ctx.cited and not bibliographies:
        cells.append(nbformat.v4.new_markdown_cell("## References\n\n"
                                                   + escape_dollars(references(ctx.cited))))
    cells.insert(0, nbformat.v4.new_markdown_cell(intro_cell(ctx.docname)))
    cells.insert(1, nbformat.v4.new_code_cell(guard_cell(ctx.docname)))
    notebook.cells = cells
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"  # stable: the same chapter gives the same notebook
    return notebook
