"""The "What changed" page: per frozen edition, what differs in the current book.

``{book-changes}`` writes, for every edition in ``editions/editions.yml``
(newest first), what changed between that edition and the book being built:

* the changelog's sections for the versions released since (from
  ``chapters/changelog.md``, by their ``(changelog-x-y-z)=`` labels);
* the chapters: new, removed or changed pages, with the sections added or
  removed (by label), compared with the edition's own sources;
* the claims (``data/claims.csv``): added, removed, and changed with the fields
  that changed (a status that moved from "reported" to "documented" shows);
* every other data table: rows added, removed and changed, by primary key.

All of it is computed from the edition's archive (its ``data/`` and
``_sources/``) and today's files, so it needs no git history. No maintained
extension compares a book with its earlier releases, hence this module.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList
from sphinx.application import Sphinx

from walledoff_build.book import LABEL, toc_pages
from walledoff_build.editions import RECORD_FILE, Edition, load_editions, members
from walledoff_notebook.paths import data_dir

#: Row ids listed per kind of change before the rest are only counted.
MAX_LISTED = 25
CHANGELOG_VERSION = re.compile(r"^\(changelog-(\d+)-(\d+)-(\d+)\)=\s*\n## (.+)$", re.M)


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _keys(package: dict) -> dict[str, list[str]]:
    """Table name -> its primary key columns (from a ``datapackage.json``)."""
    return {r["name"]: (lambda k: [k] if isinstance(k, str) else list(k))(r["schema"].get("primaryKey") or [])
            for r in package.get("resources", [])}


def row_changes(old: list[dict], new: list[dict], key: list[str]) -> dict:
    """Rows added, removed and changed (with the changed columns), by ``key``."""
    def ident(row):
        return " / ".join(row.get(k, "") for k in key) if key else json.dumps(row, sort_keys=True)

    before, after = {ident(r): r for r in old}, {ident(r): r for r in new}
    changed = {}
    for name in sorted(set(before) & set(after)):
        columns = [c for c in sorted(set(before[name]) | set(after[name]))
                   if (before[name].get(c) or "") != (after[name].get(c) or "")]
        if columns:
            changed[name] = columns
    return {"added": sorted(set(after) - set(before)), "removed": sorted(set(before) - set(after)),
            "changed": changed, "before": before, "after": after}


def _listed(ids: list[str]) -> str:
    shown = ", ".join(f"`{i}`" for i in ids[:MAX_LISTED])
    return shown + (f" and {len(ids) - MAX_LISTED} more" if len(ids) > MAX_LISTED else "")


def _claim_lines(found: dict) -> list[str]:
    lines = []
    for name in found["added"]:
        row = found["after"][name]
        lines.append(f"- Added `{name}` ({row.get('chapter')}, {row.get('status')}).")
    for name in found["removed"]:
        lines.append(f"- Removed `{name}` ({found['before'][name].get('chapter')}).")
    for name, columns in found["changed"].items():
        old, new = found["before"][name], found["after"][name]
        what = [f"status {old['status']} → {new['status']}" if c == "status" else
                f"as of {old['as_of']} → {new['as_of']}" if c == "as_of" else
                {"claim": "wording", "source": "sources"}.get(c, c) for c in columns]
        lines.append(f"- Changed `{name}` ({new.get('chapter')}): {'; '.join(what)}.")
    return lines or ["No claim changed."]


def _chapter_lines(edition_files: dict[str, bytes], srcdir: Path) -> list[str]:
    current = toc_pages(srcdir)
    old_pages = sorted(n.removeprefix("_sources/").removesuffix(".md") for n in edition_files
                       if n.startswith("_sources/") and n.endswith(".md"))
    lines, same = [], []
    for page in current:
        path = srcdir / f"{page}.md"
        if page not in old_pages:
            lines.append(f"- {{doc}}`/{page}`: new.")
            continue
        old = edition_files[f"_sources/{page}.md"].decode("utf-8")
        new = path.read_text(encoding="utf-8")
        if old == new:
            same.append(f"{{doc}}`/{page}`")
            continue
        diff = [d for d in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
                if d[:1] in "+-" and not d.startswith(("+++", "---"))]
        added = sorted(set(LABEL.findall(new)) - set(LABEL.findall(old)))
        removed = sorted(set(LABEL.findall(old)) - set(LABEL.findall(new)))
        detail = f"{len(diff)} lines of its source changed"
        detail += f"; sections added: {_listed(added)}" if added else ""
        detail += f"; sections removed: {_listed(removed)}" if removed else ""
        lines.append(f"- {{doc}}`/{page}`: {detail}.")
    lines += [f"- `{page}`: removed from the book." for page in old_pages if page not in current]
    if same:
        lines.append(f"- Unchanged: {', '.join(same)}.")
    return lines


def _data_lines(edition_files: dict[str, bytes], folder: Path) -> tuple[list[str], list[str]]:
    """(claims lines, a table of every other table's changes)."""
    keys = _keys(json.loads((folder / "datapackage.json").read_text(encoding="utf-8")))
    old_keys = _keys(json.loads(edition_files.get("data/datapackage.json", b"{}")))
    names = sorted({Path(n).stem for n in edition_files if re.fullmatch(r"data/[\w-]+\.csv", n)}
                   | {p.stem for p in folder.glob("*.csv")})
    claims, table = ["No claims table."], ["| Table | Rows added | Rows removed | Rows changed |",
                                          "| --- | --- | --- | --- |"]
    for name in names:
        old = _rows(edition_files.get(f"data/{name}.csv", b"").decode("utf-8"))
        path = folder / f"{name}.csv"
        new = _rows(path.read_text(encoding="utf-8")) if path.exists() else []
        found = row_changes(old, new, keys.get(name) or old_keys.get(name) or [])
        if name == "claims":
            claims = _claim_lines(found)
            continue
        cells = [_listed(found["added"]) or "none", _listed(found["removed"]) or "none",
                 _listed(list(found["changed"])) or "none"]
        note = " (new table)" if not old else " (removed)" if not path.exists() else ""
        table.append(f"| `{name}`{note} | " + " | ".join(cells) + " |")
    return claims, table


def _changelog_lines(edition: Edition, changelog: Path) -> list[str]:
    def key(version: str) -> tuple[int, ...]:
        return tuple(int(p) for p in version.split("."))

    newer = [(".".join(m.group(1, 2, 3)), m.group(4)) for m in CHANGELOG_VERSION.finditer(
        changelog.read_text(encoding="utf-8")) if key(".".join(m.group(1, 2, 3))) > key(edition.version)]
    if not newer:
        return [f"No version has been released since {edition.version}: the changes below are in "
                "the current book and will be in the next edition."]
    return ["Released since: " + ", ".join(
        f"{{ref}}`{title} <changelog-{v.replace('.', '-')}>`" for v, title in newer) + "."]


def changes_markdown(srcdir: Path) -> str:
    out = []
    for edition in reversed(load_editions()):
        files = members(edition)
        claims, table = _data_lines(files, data_dir())
        label = f"changes-{edition.version.replace('.', '-')}"
        out += [f"({label})=", f"## Since edition {edition.version} ({edition.date_released})", "",
                f"Edition {edition.version} is kept as it was released, at "
                f'<a href="../editions/{edition.version}/index.html">editions/{edition.version}/</a>'
                " in the published site.", "",
                *_changelog_lines(edition, srcdir / "chapters" / "changelog.md"), "",
                f"({label}-chapters)=", "### Chapters", "", *_chapter_lines(files, srcdir), "",
                f"({label}-claims)=", "### Claims", "", *claims, "",
                f"({label}-data)=", "### Data rows", "",
                "Rows are named by their table's key (its `id`, or the columns the schema names).",
                "", *table, ""]
    return "\n".join(out) or "No edition has been frozen yet."


class BookChanges(Directive):
    """Insert, per frozen edition, what changed since in chapters, claims and data."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        srcdir = Path(env.srcdir)
        for path in [RECORD_FILE, *(e.path for e in load_editions()), srcdir / "chapters" / "changelog.md",
                     *data_dir().glob("*.csv"), *(srcdir / f"{p}.md" for p in toc_pages(srcdir))]:
            if Path(path).exists():
                env.note_dependency(str(path))
        container = nodes.container(classes=["book-changes"])
        self.state.nested_parse(StringList(changes_markdown(srcdir).splitlines(), source="what changed"),
                                0, container, match_titles=True)
        return container.children


def setup(app: Sphinx) -> dict:
    app.add_directive("book-changes", BookChanges)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
