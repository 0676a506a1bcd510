"""Printable reports (PDF with ReportLab, and HTML) for a session or a before-and-after comparison."""

from reports.build import comparison_report, session_report, write_html, write_pdf

SECTIONS = ("Client and assessor", "Capture protocol", "Annotated frames", "Measurements", "Comparison",
            "Findings and stretch plan", "Red flags", "Disclaimer", "Program and model versions")

__all__ = ["session_report", "comparison_report", "write_pdf", "write_html", "SECTIONS"]
