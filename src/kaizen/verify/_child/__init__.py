"""The directory put first on PYTHONPATH of the test runs and replays the behaviour checks start.

``sitecustomize.py`` starts call capture or line coverage inside the project's own interpreter;
``_kaizen_replay.py`` is run as a script to call one function on recorded and generated inputs.
Everything here runs in the project's interpreter, not kaizen's: standard library only, Python 3.9
syntax. This ``__init__`` only makes the folder ship with the package; the children never import it.
"""
