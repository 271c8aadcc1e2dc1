"""Helpers for the notebook collection on how police forces in England and Wales deal with
domestic abuse: paths, sources, readers, reference lookups, statistics and figures.

Notebooks import from here; they do not define long functions of their own.
"""

__version__ = "0.1.0"
