"""Counts and spans that more than one chapter states, each computed one way.

A number in the prose that the data can compute is computed; a number that two
chapters state is computed by one function here, so the chapters cannot
define it differently (the timeline once counted every 2023 event in the
"bans" thread as a device ban, while the bans chapter counted rows of
``data/bans.csv``). Each function takes a table loaded with
:func:`walledoff_notebook.load` and returns plain values.
"""

from __future__ import annotations

import pandas as pd

#: ``scope`` of a measure on officials' phones and computers (``data/bans.csv``).
DEVICES = "government devices"
#: The kinds of measure (``kind`` in ``data/bans.csv``), in the order the prose names them.
KINDS = ("ban", "guidance", "policy")
#: The two ``data/events.csv`` rows that open and close the US outage of January 2025.
OUTAGE_EVENTS = ("legislation-2025-tiktok-goes-dark-us", "legislation-2025-tiktok-restores-us-service")


def device_measures(bans: pd.DataFrame, year: int | None = None, kind: str | None = None) -> pd.DataFrame:
    """Rows of ``data/bans.csv`` on government devices, announced in ``year`` and of ``kind`` if given.

    A "government-device measure" is any row whose scope is government devices;
    a "government-device ban" is one whose ``kind`` is ``ban`` (not advice, not
    a general app policy). Every chapter counts with this function.
    """
    rows = bans[bans["scope"].astype(str) == DEVICES]
    if year is not None:
        rows = rows[rows["announced"].dt.year == year]
    if kind is not None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        rows = rows[rows["kind"].astype(str) == kind]
    return rows


def device_counts(bans: pd.DataFrame, year: int | None = None) -> dict[str, int]:
    """How many government-device measures (``all``) and how many of each kind."""
    rows = device_measures(bans, year)
    kinds = rows["kind"].astype(str).value_counts()
    return {"all": len(rows), **{kind: int(kinds.get(kind, 0)) for kind in KINDS}}


def outage(events: pd.DataFrame) -> dict:
    """The US outage of January 2025: the day TikTok went dark, the day it said service was back."""
    rows = events.set_index("id").loc[list(OUTAGE_EVENTS), "date"]
    start, end = rows.iloc[0], rows.iloc[1]
    return {"start": start, "end": end, "days": int((end - start).days)}


def law_span(laws: pd.DataFrame, jurisdiction: str = "China") -> dict:
    """Years of the first and last ``adopted`` date among one jurisdiction's rows of ``data/laws.csv``.

    Revisions and amendments have their own rows, so the last year is the
    latest change to the laws, not the latest new law (``last_new`` is that).
    """
    rows = laws[laws["jurisdiction"].astype(str) == jurisdiction]
    new = rows[~rows["law"].astype(str).str.contains(r"\((?:\d{4} )?(?:revision|amendment)", regex=True)]
    return {"first": int(rows["adopted"].dt.year.min()), "last": int(rows["adopted"].dt.year.max()),
            "last_new": int(new["adopted"].dt.year.max()), "rows": len(rows)}


def in_force_before(laws: pd.DataFrame, when: pd.Timestamp, jurisdiction: str = "China") -> int:
    """How many of a jurisdiction's law rows were in force (or, undated, adopted) before ``when``."""
    rows = laws[laws["jurisdiction"].astype(str) == jurisdiction]
    started = rows["in_force"].fillna(rows["adopted"])
    return int((started < when).sum())


def centre_counts(centres: pd.DataFrame) -> dict[str, int]:
    """Project Clover sites in ``data/data_centres.csv`` by status, and in all."""
    status = centres["status"].astype(str).value_counts()
    return {"all": len(centres), **{name: int(n) for name, n in status.items()}}
