"""Analysing one capture end to end (track, checks, assessment or movement test, plan, outputs)."""
