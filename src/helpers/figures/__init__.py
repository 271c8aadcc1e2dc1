"""Figures: the theme (``theme``), funnel plots (``funnel``), maps (``maps``), trends
(``trends``), other charts (``charts``) and saving with the data CSV and the manifest
(``saving``, ``manifest``). The drawing and saving functions are re-exported here so that a
notebook can write ``figures.funnel_plot(...)``."""

from helpers.figures.charts import outcome_mix_plot, scatter_with_fit
from helpers.figures.funnel import funnel_plot
from helpers.figures.maps import coverage_heatmap, force_map
from helpers.figures.saving import SavedFigure, save_figure, update_manifest
from helpers.figures.theme import OKABE_ITO, POSITION_COLOURS, percent_axis, set_theme
from helpers.figures.trends import (
    national_series_plot,
    profile_trends_plot,
    published_points_plot,
    trend_panel,
)

__all__ = [
    "OKABE_ITO",
    "POSITION_COLOURS",
    "SavedFigure",
    "coverage_heatmap",
    "force_map",
    "funnel_plot",
    "national_series_plot",
    "outcome_mix_plot",
    "percent_axis",
    "profile_trends_plot",
    "published_points_plot",
    "save_figure",
    "scatter_with_fit",
    "set_theme",
    "trend_panel",
    "update_manifest",
]
