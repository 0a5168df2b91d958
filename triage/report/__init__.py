"""Reports: a self-contained HTML page of a labelled complaint table, with charts.

:func:`build_report` (``triage report LABELLED -o report.html`` on the command
line) writes one HTML file with the volume over time, the distribution of
types, emotions and urgency, spikes, top terms per type, clusters among recent
complaints and the most urgent complaints. Charts are drawn with matplotlib
(the ``report`` extra: ``pip install 'complaint-triage[report]'``) using a font
with Chinese glyphs (:func:`find_cjk_font`), and embedded in the page. For
your own charts, ``with matplotlib.rc_context(chart_rc()): ...`` draws Chinese
labels with that font without changing your global settings.

Nothing is imported from matplotlib until a report or a chart is drawn.
"""

from ._build import REQUIRED_COLUMNS, SECTIONS, TIME_COLUMNS, ReportSummary, build_report
from ._fonts import chart_rc, find_cjk_font, missing_glyphs

__all__ = [
    "REQUIRED_COLUMNS",
    "ReportSummary",
    "SECTIONS",
    "TIME_COLUMNS",
    "build_report",
    "chart_rc",
    "find_cjk_font",
    "missing_glyphs",
]
