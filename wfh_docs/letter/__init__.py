"""The document as typed: frozen models and their terms, input cleaned and validated, Vietnamese text
and numbers, text widths.
"""
