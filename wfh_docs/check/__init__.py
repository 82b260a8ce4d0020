"""Conformance of any .docx with Nghị định 30/2020: reading effective formatting, the rules, their
findings.
"""
