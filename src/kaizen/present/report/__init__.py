"""The morning report: ``KAIZEN_REPORT.md`` and a self-contained ``report.html`` per night."""

from kaizen.present.report.render import (
    HTML_NAME,
    MD_NAME,
    render_html,
    render_markdown,
    report_dir,
    write_atomic,
    write_reports,
)

__all__ = ["HTML_NAME", "MD_NAME", "render_html", "render_markdown", "report_dir", "write_atomic", "write_reports"]
