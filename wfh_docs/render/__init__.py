"""Letter -> .docx bytes: the WordprocessingML builders, the template and its contract, assembly and
zip writing, verification.
"""
