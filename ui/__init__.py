"""What the app shows and decides, as plain functions with no Streamlit imports (so tests can call them).

``ui.results`` formats an analysis for the page; ``ui.analyse`` runs the pipeline on an upload or the
sample in a temporary folder and keeps the outputs in memory.
"""
