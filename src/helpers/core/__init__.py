"""Core: paths (``config``), the data mode (``datamode``) and file checksums (``hashing``)."""
