"""The build extension: what Sphinx loads while it builds the book.

It runs inside Sphinx at build time (never in a chapter notebook) and may
import the notebook library, :mod:`walledoff_notebook`, never the reverse.
One module per feature; ``_config.yml`` lists each one as an extension:

* :mod:`~walledoff_build.freshness` one list of watched inputs (data, the notebook
  library, book metadata, teaching files): when any changes, stale notebook
  outputs are cleared and every page is read again;
* :mod:`~walledoff_build.strict`    warnings fail every build until fixed (pages that
  warned are read again; empty "[]" citations in the HTML); bad data stops the build
  before any chapter runs, with a short summary (``make check`` checks the data alone);
* :mod:`~walledoff_build.charts`    the figure under every chart, drawn from the
  marker a notebook emits; the offline Vega runtime; the chart script;
* :mod:`~walledoff_build.figures`   figures numbered per chapter ("Figure 3.2");
* :mod:`~walledoff_build.reading`   reading times from each page's prose, at the top
  of every chapter;
* :mod:`~walledoff_build.myst_outputs` MyST tables a notebook emits, parsed with citations;
* :mod:`~walledoff_build.offline`   no third-party loads, deferred scripts, icons,
  meta descriptions, ARIA repairs;
* :mod:`~walledoff_build.bibstyle`  how sources are printed;
* :mod:`~walledoff_build.anchors`   stable section addresses, and moved anchors;
* :mod:`~walledoff_build.glossary`  the glossary page and first-use links;
* :mod:`~walledoff_build.passages`  the primary-source reader, printed from ``data/passages.csv``;
* :mod:`~walledoff_build.quizzes`   self-check quizzes and learning objectives, from
  ``teaching/quizzes/`` (validated; answers in closed ``<details>``, a print answer key);
* :mod:`~walledoff_build.guide`     the teacher's guide, assembled from the chapters, with the
  objectives map and the assignments' answer keys and rubrics (``teaching/rubrics.yml``);
* :mod:`~walledoff_build.unitplans` unit plans, from ``teaching/unit_plans.yml``;
* :mod:`~walledoff_build.citebox`   "Cite this chapter" boxes;
* :mod:`~walledoff_build.pages`     the licence footer and the print title page;
* :mod:`~walledoff_build.downloads` notebooks, the archive and the data, in the site (each
  chapter converted to plain Jupyter Markdown by :mod:`~walledoff_build.notebook_export`);
* :mod:`~walledoff_build.redirects` moved pages (sphinxext-rediraffe), from
  ``teaching/redirects.yml``;
* :mod:`~walledoff_build.publish`   the site's address in every page: canonical
  links, OpenGraph/Twitter cards with each chapter's lead chart as PNG
  (sphinxext-opengraph), the 404 page (sphinx-notfound-page);
* :mod:`~walledoff_build.changes`   the "What changed" page, from the frozen editions.

Shared helpers: :mod:`~walledoff_build.book` (the table of contents and the
repository's teaching files), :mod:`~walledoff_build.urls` (the one way to
write an address from one page to a file in the site) and
:mod:`~walledoff_build.online` (Colab and Binder links). Not loaded by Sphinx,
used by ``make site`` and ``make edition``: :mod:`~walledoff_build.editions`
(frozen editions), :mod:`~walledoff_build.site` (the published site) and
:mod:`~walledoff_build.recheck` (claims due for a re-check).
"""
