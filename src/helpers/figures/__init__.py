"""Figures: the theme (``theme``), funnel plots (``funnel``), maps (``maps``), trends
(``trends``), other charts (``charts``) and saving with the data CSV and the manifest
(``saving``, ``manifest``). The drawing and saving functions are re-exported here so that a
notebook can write ``figures.funnel_plot(...)``.

Every drawing function records the numbers it drew on the figure (``drawn_data(fig)``), so that
``save_figure(fig, name, None, ...)`` writes exactly those numbers as the figure's CSV."""

from helpers.figures.charts import caterpillar_plot, outcome_mix_plot, scatter_with_fit
from helpers.figures.funnel import FUNNEL_X_LABEL, funnel_plot, funnel_table
from helpers.figures.maps import coverage_heatmap, force_map
from helpers.figures.saving import (
    SavedFigure,
    attach_data,
    drawn_data,
    save_data,
    save_figure,
    update_manifest,
)
from helpers.figures.theme import OKABE_ITO, POSITION_COLOURS, percent_axis, set_theme
from helpers.figures.trends import (
    national_series_plot,
    profile_trends_plot,
    published_points_plot,
    trend_panel,
)

__all__ = [
    "FUNNEL_X_LABEL",
    "OKABE_ITO",
    "POSITION_COLOURS",
    "SavedFigure",
    "attach_data",
    "caterpillar_plot",
    "coverage_heatmap",
    "drawn_data",
    "force_map",
    "funnel_plot",
    "funnel_table",
    "national_series_plot",
    "outcome_mix_plot",
    "percent_axis",
    "profile_trends_plot",
    "published_points_plot",
    "save_data",
    "save_figure",
    "scatter_with_fit",
    "set_theme",
    "trend_panel",
    "update_manifest",
]
