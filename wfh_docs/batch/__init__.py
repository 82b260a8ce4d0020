"""Many records -> many letters: the sources (records: JSON; sheets: a workbook or a CSV file;
cells: a row of one), one record pipeline shared with build (prepare), one letter in a worker
(job), the run (run) with its manifest and journal (manifest), the output folder's safety
(outdir), the worker processes (workers), the PDFs of a batch (pdfs), the register of outgoing
numbers (register), the input workbook (workbook), and `wfhdoc build`'s one letter (build).
"""
