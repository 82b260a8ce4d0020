"""wfhdoc: Vietnamese official letters (công văn) laid out as Nghị định 30/2020/NĐ-CP says."""

__version__ = "0.1.0"
