"""Local client records (SQLite): calibrations now, client histories later."""
