"""Files wfhdoc reads and writes: bounded reading of zip archives, atomic writes, safe names."""
