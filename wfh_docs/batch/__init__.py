"""Many records -> many letters: sources, the record pipeline shared with build, workers, manifest,
register.
"""
