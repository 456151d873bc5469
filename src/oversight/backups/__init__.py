"""One consistent snapshot of an installation (every row and every stored file) and its restore.

`oversight backup` writes it; `oversight restore` brings it back into an empty installation. The
archive's layout and its checks live in `archive.py`, the consistent read in `snapshot.py`, the
load in `restore.py`.
"""
