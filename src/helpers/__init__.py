"""Helpers for the notebook collection on police outcomes in domestic abuse cases (England and
Wales).

The package is organised by stage; imports point one way, down this list (a layer may import
from the layers below it, never above; ``tests/test_layers.py`` enforces it):

* ``report``     findings in words, formatting, the site (index, profiles), reproduce
* ``figures``    theme, funnel plots, maps, trends; saving with the data CSV and the manifest
* ``analysis``   statistics, rates, one module per measure returning a result object
* ``data``       source registry, fetch, readers (one per official layout), schemas, sample, tidy
* ``reference``  forces, outcome types, published figures, CPS
* ``core``       config (paths), data mode, hashing
"""

#: the layers, lowest first; a module may import only from its own layer or one listed before it
LAYERS = ("core", "reference", "data", "analysis", "figures", "report")
