"""Renderers of an Analysis: terminal text, JSON, CSV and a report workbook."""
