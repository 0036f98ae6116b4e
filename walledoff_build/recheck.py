"""Which claims on fast-moving topics are due for a re-check before the next edition.

``book.yml``'s ``recheck:`` is the one place that says which chapters move fast
(``chapters:``) and how old a claim's ``as_of`` date may get (``max_age_days:``).
:func:`recheck_report` lists the claims of those chapters in ``data/claims.csv``
whose ``as_of`` is older than that on the day of the build, oldest first.
``make site`` prints the count and writes the list to ``_build/recheck.md``;
``make recheck`` prints the list. It is a maintainer's list, not a page of the
book: a claim's date is shown to readers beside the claim already.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from walledoff_notebook.meta import metadata


@dataclass(frozen=True)
class Report:
    rows: list[dict]
    max_age_days: int
    chapters: list[str]
    today: str

    @property
    def summary(self) -> str:
        if not self.chapters:
            return "re-check: none configured (book.yml has no recheck: section)"
        return (f"re-check: {len(self.rows)} claims in {', '.join(self.chapters)} are older than "
                f"{self.max_age_days} days (as of {self.today}); see _build/recheck.md")

    @property
    def markdown(self) -> str:
        lines = [f"# Claims to re-check ({self.today})", "",
                 f"Chapters watched: {', '.join(self.chapters) or 'none'}; a claim is due when its "
                 f"`as_of` date is more than {self.max_age_days} days old (set in `book.yml`, "
                 "`recheck:`).", "", "| as of | age (days) | chapter | id | status | claim |",
                 "| --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {r['as_of']} | {r['age']} | {r['chapter']} | `{r['id']}` | {r['status']} | "
                  f"{r['claim'].replace('|', '/')} |" for r in self.rows]
        return "\n".join(lines) + "\n"


def recheck_report(today: datetime.date | None = None, claims=None) -> Report:
    """The claims due for a re-check on ``today`` (default: the day of the build)."""
    config = metadata().recheck or {}
    today = today or datetime.date.today()
    chapters = list(config.get("chapters") or [])
    if not chapters:
        return Report([], 0, [], today.isoformat())
    if claims is None:
        from walledoff_notebook.data import load

        claims = load("claims")
    limit = config["max_age_days"]
    rows = []
    for row in claims.to_dict("records"):
        as_of = row["as_of"]
        day = as_of.date() if hasattr(as_of, "date") else datetime.date.fromisoformat(str(as_of))
        age = (today - day).days
        if row["chapter"] in chapters and age > limit:
            rows.append({**row, "as_of": day.isoformat(), "age": age})
    rows.sort(key=lambda r: (r["as_of"], r["id"]))
    return Report(rows, limit, chapters, today.isoformat())


def main() -> None:
    report = recheck_report()
    print(report.markdown if report.rows else report.summary)


if __name__ == "__main__":
    main()
