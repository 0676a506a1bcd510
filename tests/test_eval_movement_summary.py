"""The movement benchmark's summary of what a failed case gave the user (``benchmarks/eval_movement.py``,
:func:`failure_kinds`): a refusal, a miscount, the other leg named (and whether the result said so), and every wrong
number given as a result or lower bound above the truth, passed case or not."""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import eval_movement  # noqa: E402


def _row(case, *, kind="hip_extension", passed=False, failed=(), reps=1, truth_reps=1, leg_right=True, **extra):
    r = {"style": "mesh", "case": case, "kind": kind, "pass": passed, "failed": list(failed), "reps": reps,
         "reps_truth": truth_reps, "leg_right": leg_right, "leg_uncertain": False, "leg_in_doubt": False,
         "leg_from_set_up": False, "rows": []}
    r.update(extra)
    return r


def _cell(measured, truth, at_least=None):
    return {"measured": measured, "truth": truth, "error": None if measured is None else measured - truth,
            "at_least": at_least}


def test_each_failed_case_is_put_under_what_it_gave_and_wrong_numbers_are_listed_from_every_case():
    rows = [
        _row("refused", failed=["view", "movement"], reps=0),
        _row("miscounted", reps=2),
        _row("named_from_set_up", leg_right=False, leg_from_set_up=True),
        _row("named_silently", leg_right=False),
        _row("not_certain", leg_uncertain=True),
        # passed, but one value 6 deg off (standing: over 5) and one within
        _row("passed_but_wrong", passed=True, rows=[{"thigh_behind_vertical": _cell(16.0, 10.0)},
                                                    {"thigh_behind_vertical": _cell(12.0, 10.0)}]),
        # lying: 9 deg off is within the 10 allowed; a lower bound 4 above the truth is a broken promise
        _row("lying", kind="ely", passed=True, rows=[{"max_knee_flexion": _cell(101.0, 110.0)},
                                                      {"max_knee_flexion": _cell(None, 100.0, at_least=104.0)}]),
        _row("fine", passed=True, rows=[{"thigh_behind_vertical": _cell(10.5, 10.0)}]),
    ]
    k = eval_movement.failure_kinds(rows)["mesh"]
    assert (k["cases"], k["passed"]) == (8, 3)
    assert k["refused"] == {"view": 1}
    assert k["count"] == ["miscounted 2/1"]
    assert k["leg"] == {"from set-up": ["named_from_set_up"], "unwarned": ["named_silently"], "warned": ["not_certain"]}
    assert k["wrong_numbers"] == ["passed_but_wrong rep 1 thigh_behind_vertical 16.0 for 10.0",
                                  "lying rep 2 max_knee_flexion at least 104.0 for 100.0"]
