"""The directory put first on a profiled benchmark's PYTHONPATH; see ``sitecustomize.py`` beside it.

This ``__init__`` only makes the folder ship as package data; the child never imports it as a package.
"""
