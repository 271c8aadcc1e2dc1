"""Reference facts: police force areas (``forces``), outcome types (``outcomes``), transcribed published figures (``published``) and the CPS series (``cps``)."""
