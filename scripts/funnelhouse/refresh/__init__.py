"""Refresh the warehouse without locking readers out or publishing a half-built warehouse.

A refresh builds and tests into a private file (`.<name>.refresh/<name>` next to the
published warehouse), and only when every model and test passed replaces the published file by
an atomic rename. Readers never see a partial state: a connection opened before the rename keeps
reading the old file (its inode) until it reconnects, one opened after reads the new build. A
failed, interrupted or killed build leaves the published file as it was.

The private file starts empty (a full build) or as a copy of the published warehouse (a partial
`--select` build now; incremental builds later), so every way of writing the warehouse goes
through the same publish step. Modules:

- ``layout``: where the published file, the private file, the lock and dbt's artefacts live;
- ``fingerprint``: sha256 of input files (cached by file identity) and of the project;
- ``inputs``: what a build depends on, its key, and the provenance handed to dbt;
- ``dbt_build``: running dbt on the private file and reading what failed;
- ``publish``: preparing, verifying and publishing the private file, reading the published one;
- ``cli``: ``scripts/refresh.py``.
"""
