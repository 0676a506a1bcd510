"""Client records: a SQLite file (or a clinic's PostgreSQL) holding clients, consent, sessions, captures,
notes, hand-corrected landmarks, per-client test-retest noise and pelvic-tilt calibrations.

``records.db`` (engine, versioned schema, migrations, private files, purging deleted bytes),
``records.store`` (the :class:`~records.store.Records` API: consent checked where data is stored, deletion),
``records.errors`` (one-line errors the commands and pages show), ``records.calibration`` (the calibration
functions of the first version, kept), ``records.workflow`` (analyse and store, compare, correct landmarks,
frames read from the database in place, export), ``records.batch`` (the trainer's resumable batch screen).
"""
