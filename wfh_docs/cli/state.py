"""The run's own state, set by main() for the command it runs: --verbose, and the signal that
stopped it (for the exit code, 128 + the signal)."""

from __future__ import annotations

import signal as _signal

verbose = False
signal = int(_signal.SIGINT)
