"""Malformed data fails loudly: the message names the file, the row and the column.

Each test copies ``data/`` to a temporary folder, breaks one thing, points
the package at the copy (``BOOK_DATA_DIR``) and checks the error. The last
test builds the book against broken data and checks that the build stops.
"""

from __future__ import annotations

import csv
import shutil

import pytest

from conftest import REPO, build_book
from walledoff_notebook import DataError, SourceError, load, validate_package
from walledoff_notebook.paths import DATA_DIR_ENV


@pytest.fixture
def broken_data(tmp_path, monkeypatch):
    """A private copy of data/ that the package reads instead of the real one."""
    folder = tmp_path / "data"
    shutil.copytree(REPO / "data", folder)
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def edit_cell(path, row: int, column: str, value: str) -> None:
    """Set data row ``row`` (1 = first row under the header) of ``column`` to ``value``."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[row - 1][column] = value
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def drop_column(path, column: str) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names = [n for n in rows[0] if n != column]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=names, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def message_of(table: str) -> str:
    with pytest.raises(DataError) as caught:
        load(table)
    return str(caught.value)


def test_bad_date_names_file_row_and_column(broken_data):
    edit_cell(broken_data / "events.csv", 3, "date", "2023-02-30")
    message = message_of("events")
    assert "events.csv" in message and "row 3 (line 4)" in message and "column 'date'" in message
    assert "2023-02-30" in message


def test_unknown_source_key_names_file_row_and_column(broken_data):
    edit_cell(broken_data / "events.csv", 5, "source", "nosuchsource2099")
    message = message_of("events")
    assert "events.csv" in message and "row 5 (line 6)" in message and "column 'source'" in message
    assert "nosuchsource2099" in message


def test_missing_column_is_named(broken_data):
    drop_column(broken_data / "events.csv", "region")
    message = message_of("events")
    assert "events.csv" in message and "'region'" in message


def test_value_outside_enum_names_file_row_and_column(broken_data):
    edit_cell(broken_data / "claims.csv", 2, "status", "probably-true")
    message = message_of("claims")
    assert "claims.csv" in message and "row 2 (line 3)" in message and "column 'status'" in message


def test_duplicate_id_is_caught(broken_data):
    with open(broken_data / "events.csv", encoding="utf-8") as handle:
        first_id = list(csv.DictReader(handle))[0]["id"]
    edit_cell(broken_data / "events.csv", 2, "id", first_id)
    message = message_of("events")
    assert "row 2 (line 3)" in message and "column 'id'" in message


def test_empty_file_is_reported(broken_data):
    (broken_data / "events.csv").write_text("", encoding="utf-8")
    message = message_of("events")
    assert "events.csv" in message and "empty" in message


def test_whole_package_check_reports_every_table(broken_data):
    edit_cell(broken_data / "events.csv", 1, "theme", "gossip")
    edit_cell(broken_data / "claims.csv", 1, "as_of", "yesterday")
    with pytest.raises(DataError) as caught:
        validate_package()
    assert "events.csv" in str(caught.value) and "claims.csv" in str(caught.value)


def test_incomplete_bibliography_entry_is_named(broken_data):
    bib = broken_data / "references.bib"
    text = bib.read_text(encoding="utf-8")
    key = text.split("@online{", 1)[1].split(",", 1)[0]
    start = text.index("@online{" + key)
    entry_end = text.index("\n}", start)
    entry = text[start:entry_end]
    without = "\n".join(line for line in entry.splitlines() if not line.strip().startswith("urldate"))
    bib.write_text(text[:start] + without + text[entry_end:], encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        from walledoff_notebook.sources import bibliography

        bibliography()
    assert "references.bib" in str(caught.value) and key in str(caught.value)
    assert "urldate" in str(caught.value)


@pytest.mark.book
def test_build_stops_on_bad_data(tmp_path):
    """A malformed row stops the build (no chart from bad data), and says where."""
    folder = tmp_path / "data"
    shutil.copytree(REPO / "data", folder)
    edit_cell(folder / "events.csv", 7, "date", "not-a-date")
    env = dict(__import__("os").environ, **{DATA_DIR_ENV: str(folder)})
    result = build_book(path_output=tmp_path / "out", env=env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, "the build passed with malformed data"
    assert "events.csv" in output and "row 7 (line 8)" in output and "column 'date'" in output


def _add_entry(bib, body: str) -> None:
    bib.write_text(bib.read_text(encoding="utf-8") + "\n" + body + "\n", encoding="utf-8")


@pytest.mark.parametrize("url, publisher, why", [
    ("https://vuink.com/post/guriretr-d-dpbz/2023/x", "The Verge", "vuink.com"),
    ("https://www.nasdaq.com/articles/us-house-passes-bill", "Reuters", "reuters.com"),
    ("https://staging.irishtimes.com/business/2025/x", "The Irish Times", "staging"),
])
def test_a_copy_as_main_link_is_refused(broken_data, url, publisher, why):
    """A proxy, a syndicated wire copy or a staging host in ``url`` fails, naming the entry."""
    _add_entry(broken_data / "references.bib",
               "@online{zzcopy2026test,\n  title = {T},\n  organization = {" + publisher + "},\n"
               "  date = {2026},\n  url = {" + url + "},\n  urldate = {2026-12-01}\n}")
    with pytest.raises(SourceError) as caught:
        from walledoff_notebook.sources import bibliography

        bibliography()
    message = str(caught.value)
    assert "zzcopy2026test" in message and "copyurl" in message and why in message


def test_a_copy_without_its_label_is_refused(broken_data):
    _add_entry(broken_data / "references.bib",
               "@online{zzcopy2026label,\n  title = {T},\n  organization = {Reuters},\n"
               "  date = {2026},\n  copyurl = {https://www.zawya.com/x},\n  urldate = {2026-12-01}\n}")
    with pytest.raises(SourceError) as caught:
        from walledoff_notebook.sources import bibliography

        bibliography()
    assert "zzcopy2026label" in str(caught.value) and "copylabel" in str(caught.value)


def test_a_working_note_shown_to_readers_is_refused(broken_data):
    _add_entry(broken_data / "references.bib",
               "@online{zzcopy2026note,\n  title = {T},\n  organization = {Reuters},\n"
               "  date = {2026},\n  url = {https://www.reuters.com/x},\n  urldate = {2026-12-01},\n"
               "  note = {Headline taken from the URL slug.}\n}")
    with pytest.raises(SourceError) as caught:
        from walledoff_notebook.sources import bibliography

        bibliography()
    assert "zzcopy2026note" in str(caught.value) and "maintnote" in str(caught.value)
