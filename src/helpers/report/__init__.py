"""Report: formatting of numbers and tables (``formatting``), findings in words (``findings``), and the site: index, profiles and the reproduce command."""
