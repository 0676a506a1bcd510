"""Every movement test on clips of something else: what a user who picked the wrong test reads first.

Rerun:  .venv/bin/python benchmarks/eval_wrong_test.py [--cache DIR]   (about 8 min; 30 s from the cache)

The clips: the sample clips of ``sample_media`` (each test's own movement, and quiet standing) and the still
activities of :mod:`vision.synthetic.activities` (squatting, kneeling, on hands and knees, sitting on the floor and
on a chair, standing on one leg, bending forward, lying on the back, half-kneeling, a standing lunge; a runner
crossing the picture, not run through the walk test, which ``eval_movement.py`` measures), bodyweight squats with no
chair (rising from a deep or a parallel squat or a squat on the toes held at the bottom, and parallel squats from
standing), a knee hugged lying on the floor (the other leg flat, bent with the foot down, or hugged too: a Thomas
test with nothing to hang from) and getting up from the floor, rendered in the mesh and the capsule styles and
tracked with MediaPipe and segmentation, as ``posture analyze`` does. Each goes through all six tests (hip
extension, lunge, sit-to-stand, Thomas test, prone knee bend, walk). A pair passes when a clip of the test's own movement is measured and any other clip is refused with no
number in the result or its text, the failure read first (:func:`analysis.gates.blocking_failure`) being one that
says what the clip shows (activity, position, movement, view, whole body, clip length), never one that blames the
filming for what the person did (``tracking``: "the pose model lost your legs", or ``found``: "the pose model found
you in only N % of the frames"). The script exits 1 when a pair fails. Session 21: 154 pairs, none failed (12 with
the session-20 code). Session 22: 226 pairs with the squats and the knee hugs on the floor, none failed (9 with the
session-21 code: the squat rises from the bottom measured as sit-to-stands, and five of the six knee hugs on the
floor as Thomas tests). Session 23: 262 pairs with all fours, the rise from the floor and from a squat on the toes,
none failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from analysis.gates import blocking_failure  # noqa: E402
from analysis.movement import run_movement_test  # noqa: E402
from analysis.people import gate_result  # noqa: E402
from eval_movement import SAMPLES, cached_track, no_number_after_refusal, person_check  # noqa: E402

TESTS = ("hip_extension", "lunge", "sit_to_stand", "thomas", "ely", "walk")
SAMPLE_TEST = {"hip_extension": "hip_extension", "kneeling_lunge": "lunge", "sit_to_stand": "sit_to_stand",
               "thomas_test": "thomas", "prone_knee_bend": "ely", "standing_side": None}
ACTIVITIES = ("squat", "kneeling", "all_fours", "sitting_floor", "one_leg", "bending", "lying", "sitting_chair",
              "half_kneeling", "lunge", "running")
# bodyweight squats with no chair (:func:`vision.synthetic.movements.squat_rise`): name -> (depth, start at the bottom)
SQUAT_RISES = {"deep_squat_rise": ("deep", True), "parallel_squat_rise": ("parallel", True),
               "parallel_squats": ("parallel", False), "toes_squat_rise": ("toes", True)}
# lying on the floor hugging a knee (:func:`vision.synthetic.movements.knee_hug_on_floor`), the other leg so: no leg
# hangs, so it is not a Thomas test either
FLOOR_HUGS = ("flat", "bent", "hugged")
BLAMES_THE_FILMING = ("tracking", "found")


def clips(cache: Path | None, tmp: Path):
    """(name, the test it shows or None, track) for every clip."""
    from vision.synthetic import capsule as cs
    from vision.synthetic.activities import activity_clip
    from vision.synthetic.media_io import write_clip
    from vision.synthetic.movements import floor_rise, knee_hug_on_floor, squat_rise

    for name, own in SAMPLE_TEST.items():
        yield f"sample {name}", own, cached_track(f"wrongtest__sample__{name}", lambda n=name: SAMPLES / f"{n}.mp4",
                                                  cache)
    def rendered(style: str, name: str, script, outfit: str, scene: str):
        """(label, None, track) of the clip ``script()`` in ``style`` (the capsule in ``outfit`` and ``scene``)."""
        def make():
            clip = script()
            if style == "capsule":
                clip = cs.restyle(clip, outfit=outfit, scene=scene)
            path = tmp / f"{style}_{name}.mp4"
            write_clip(path, clip)
            return path
        return f"{style} {name}", None, cached_track(f"wrongtest__{style}__{name}", make, cache)

    for style in ("mesh", "capsule"):
        for act in ACTIVITIES:
            yield rendered(style, act, lambda act=act: activity_clip(act, seconds=2.5, seed=77), "teal_tracksuit",
                           "white_studio")
        for name, (depth, bottom) in SQUAT_RISES.items():
            yield rendered(style, name, lambda name=name, depth=depth, bottom=bottom: squat_rise(
                name, depth=depth, from_bottom=bottom, seed=78), "orange_hoodie", "outdoor")
        for other in FLOOR_HUGS:
            yield rendered(style, f"knee_hug_{other}", lambda other=other: knee_hug_on_floor(
                f"knee_hug_{other}", other=other, seed=79), "white_kit", "outdoor")
        # getting up from the floor, no chair (session 23): not a sit-to-stand either
        yield rendered(style, "floor_rise", lambda: floor_rise("floor_rise", seed=80), "teal_tracksuit", "dark_hall")

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, help="keep tracked landmarks here between runs")
    a = ap.parse_args(argv)
    bad = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, own, d in clips(a.cache, Path(tmp)):
            for kind in TESTS:
                if kind == "walk" and name.endswith("running"):
                    continue  # the walk test on runners: benchmarks/eval_movement.py
                res = run_movement_test(kind, d["timestamps"], d["pixels"], d["visibility"], outline=d["outline"],
                                        world=d["world"], landmarks=d["landmarks"], image_size=d["image_size"])
                if (person := person_check(d, kind)) is not None:
                    gate_result(res, person, {"repetitions": [], "steps": [], "summary": {}})
                first = (blocking_failure(res["checks"]) or {}).get("name")
                if kind == own:
                    ok = res["ok"]
                else:
                    ok = not res["ok"] and no_number_after_refusal(res) and first not in BLAMES_THE_FILMING
                what = "measured" if res["ok"] else f"refused, read first: {first}: {(res['problems'] or [''])[0][:90]}"
                print(f"  [{'pass' if ok else 'FAIL'}] {name} as {kind}: {what}", flush=True)
                if not ok:
                    bad.append(f"{name} as {kind}")
    print(f"\n{len(bad)} pair(s) failed" + (": " + "; ".join(bad) if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
