"""PAdES signing and verification of letters, with signature images, seals and stamps placed as the
decree says.
"""
