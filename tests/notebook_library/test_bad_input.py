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


def first_line(table: str) -> str:
    return message_of(table).splitlines()[0]


EVENTS_COLUMNS = "id, date, date_precision, region, theme, title, summary, source"


def test_missing_column_is_named_first_in_one_line(broken_data):
    drop_column(broken_data / "events.csv", "region")
    message = message_of("events")
    assert message.splitlines()[0] == (
        f"{broken_data}/events.csv, line 1 (the header): column 'region' is missing "
        f"(the schema in {broken_data}/datapackage.json expects: {EVENTS_COLUMNS})")
    assert len(message.splitlines()) == 2, "a dropped column is one problem, not one per cell"


def test_renamed_column_is_named_first(broken_data):
    path = broken_data / "events.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",region,", ",place,", 1), encoding="utf-8")
    assert first_line("events") == (
        f"{broken_data}/events.csv, line 1 (the header): column 'region' is missing; column "
        f"'place' is not in the schema (renamed?) (the schema in {broken_data}/datapackage.json "
        f"expects: {EVENTS_COLUMNS})")


def test_header_only_table_says_it_has_no_rows(broken_data):
    path = broken_data / "events.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert first_line("events") == (
        f"{broken_data}/events.csv: the table has a header but no data rows: every table needs "
        "at least one row (chapters draw from it)")


def test_error_ends_with_the_command_that_checks_the_data_alone(broken_data):
    edit_cell(broken_data / "events.csv", 7, "date", "not-a-date")
    lines = message_of("events").splitlines()
    assert lines[0].startswith(f"{broken_data}/events.csv, row 7 (line 8), column 'date': "
                               "value 'not-a-date'")
    assert lines[-1] == "(1 problem in table 'events'; run `make check` to check the data alone)"


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


def _third_entry(bib):
    """The third entry's key, its first line, and the text split around it."""
    import re

    text = bib.read_text(encoding="utf-8")
    starts = [m for m in re.finditer(r"^@online\{([a-z0-9]+),", text, re.M)]
    third, fourth = starts[2], starts[3]
    line = text.count("\n", 0, third.start()) + 1
    return third.group(1), line, text[:third.start()], text[third.start():fourth.start()], text[fourth.start():]


def bib_first_line() -> str:
    from walledoff_notebook.sources import bibliography

    with pytest.raises(SourceError) as caught:
        bibliography()
    return str(caught.value).splitlines()[0]


def test_bibliography_missing_brace_names_the_entry_and_its_line(broken_data):
    bib = broken_data / "references.bib"
    key, line, before, entry, after = _third_entry(bib)
    bib.write_text(before + entry.rstrip()[:-1] + "\n\n" + after, encoding="utf-8")  # drop its "}"
    assert bib_first_line() == (
        f"{bib}, line {line}: entry {key!r} is not valid BibTeX (premature end of file): "
        "look for a missing comma after a field, or a missing closing brace")


def test_bibliography_missing_comma_names_the_entry_and_its_line(broken_data):
    import re

    bib = broken_data / "references.bib"
    key, line, before, entry, after = _third_entry(bib)
    broken = re.sub(r"(title = \{[^\n]*\}),", r"\1", entry, count=1)
    bib.write_text(before + broken + after, encoding="utf-8")
    assert bib_first_line() == (
        f"{bib}, line {line}: entry {key!r} is not valid BibTeX ('}}' expected): "
        "look for a missing comma after a field, or a missing closing brace")


def test_bibliography_missing_field_names_the_entry_and_its_line(broken_data):
    bib = broken_data / "references.bib"
    key, line, before, entry, after = _third_entry(bib)
    entry = "\n".join(x for x in entry.split("\n") if not x.strip().startswith("urldate"))
    bib.write_text(before + entry + after, encoding="utf-8")
    assert bib_first_line() == f"{bib}, line {line}: entry {key!r} has no 'urldate' field"
    with pytest.raises(DataError) as caught:  # the package check reports it once, not per table
        validate_package()
    assert str(caught.value).count(key) == 1


def test_bibliography_repeated_key_names_both_lines(broken_data):
    bib = broken_data / "references.bib"
    key, line, before, entry, after = _third_entry(bib)
    total = (before + entry + after).count("\n")
    bib.write_text(before + entry + after + "\n" + entry, encoding="utf-8")
    assert bib_first_line() == (f"{bib}, line {total + 2}: entry {key!r} repeats the key of the "
                                f"entry at line {line}: every key names one work")


def test_make_check_lists_problems_and_fails(broken_data):
    import subprocess
    import sys

    drop_column(broken_data / "events.csv", "region")
    result = subprocess.run([sys.executable, "-m", "walledoff_notebook.check"], capture_output=True,
                            text=True, cwd=REPO)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"The data in {broken_data}/ has 1 problem:"
    assert lines[1].startswith(f"  {broken_data}/events.csv, line 1 (the header): column 'region' is missing")


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


def test_build_stops_on_bad_data_with_a_short_summary(tmp_path):
    """A malformed row stops the build before any chapter runs, in a few lines, no traceback."""
    folder = tmp_path / "data"
    shutil.copytree(REPO / "data", folder)
    edit_cell(folder / "events.csv", 7, "date", "not-a-date")
    env = dict(__import__("os").environ, **{DATA_DIR_ENV: str(folder)})
    result = build_book(path_output=tmp_path / "out", env=env)
    assert result.returncode != 0, "the build passed with malformed data"
    lines = result.stderr.strip().splitlines()
    assert lines[-3] == "The book was not built: the data has 1 problem."
    assert lines[-2].startswith(f"  {folder}/events.csv, row 7 (line 8), column 'date': "
                                "value 'not-a-date'")
    assert lines[-1] == ("Fix the file named above, then run `make check` to check the data "
                         "alone, then build again.")
    assert "Traceback" not in result.stdout + result.stderr


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
