"""The commands (the only package that imports click): one module per command, the shared
options (options), the console (console), click's own words in the run's language
(click_messages), and main (the group, and the one place that turns errors into exit codes).
"""

from .main import cli, entry, main

__all__ = ["cli", "entry", "main"]
