"""PDF and PDF/A through a pool of long-lived LibreOffice processes."""
