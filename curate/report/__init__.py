"""The curation report: one self-contained HTML page per recorded run.

``collect`` reads a run record and its artifacts into ``ReportData``;
``render`` turns that into HTML (inline CSS and SVG, nothing fetched).
"""

from curate.report.collect import ReportData, collect
from curate.report.render import render

__all__ = ["ReportData", "build_report", "collect", "render"]


def build_report(store, run, previous=True) -> str:
    """HTML of the report for ``run`` (a ``curate.runs.RunRecord``) over ``store``."""
    return render(collect(store, run, previous))
