"""Compressed file access through external compressors (rbake's own implementation of BitBake's bb.compress)."""
