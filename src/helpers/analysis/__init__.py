"""Analysis: statistics (``statistics``), rates (``rates``), the measures with their result objects and verdicts, and a force profile (``profile``). Reads only ``data/processed/``."""
