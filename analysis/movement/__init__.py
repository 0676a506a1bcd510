"""Movement tests: hip extension range, lunge, sit-to-stand, the Thomas test, the prone knee bend, walking.

One module per test, the shared parts beside them; :func:`run_movement_test` is the single entry point
(``from analysis.movement import run_movement_test, KINDS``):

* :mod:`.run` - :func:`run_movement_test` and :data:`KINDS`: labels, facing, the test, the gates (and the
  tested leg as the person states it, for :data:`STATED_LEG_KINDS`).
* :mod:`.series` - the shared per-frame series (landmark cleaning, leg and trunk angles, the lumbar
  outline angle, facing), reading values and building Metrics over repetitions; sign conventions.
* :mod:`.in_place` - the part of a clip done in place (walking into place and away left out).
* :mod:`.legs` - leg identity: consistent left/right labels, near and far leg, the leg that moved.
* :mod:`.outline_limbs` - the moving thigh from the body outline where the knee landmark is unsure.
* :mod:`.checks` - the gates (view, whole body, start posture and activity, face up/down, movement) and
  what a failed blocking check withholds.
* :mod:`.hip_extension` - standing hip extension and the half-kneeling lunge, with compensation.
* :mod:`.walk` - hip extension before toe-off (late stance), walking or running, fixed or following camera.
* :mod:`.sit_to_stand`, :mod:`.thomas` (side and front view), :mod:`.ely` (prone knee bend).

Repetitions themselves are found by :func:`analysis.segmentation.find_repetitions`.
"""

from analysis.movement.run import KINDS, STATED_LEG_KINDS, run_movement_test

__all__ = ["KINDS", "STATED_LEG_KINDS", "run_movement_test"]
