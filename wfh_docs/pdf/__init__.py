"""PDF and PDF/A through a pool of long-lived LibreOffice processes.

convert.py  the entry point: convert(files, outdir), output_names
soffice.py  finding LibreOffice (WFHDOC_SOFFICE, PATH, the install folders, Program Files)
stage.py    the copies LibreOffice reads, under ASCII names, with external links cut
pool.py     the worker threads, their LibreOffice processes and the watchdog of each file
guard.py    the run's private folder and the guard that cleans up when wfhdoc is killed
"""

from .convert import PDF_FILTER, PDFA_FILTER, convert, output_names
from .pool import PdfResult, Progress, looks_like_pdf
from .soffice import INSTALL_HINT, find_soffice

__all__ = [
    "INSTALL_HINT",
    "PDFA_FILTER",
    "PDF_FILTER",
    "PdfResult",
    "Progress",
    "convert",
    "find_soffice",
    "looks_like_pdf",
    "output_names",
]
