"""The standing assessment on rendered stills of every activity, in every figure style: is a photo of someone who is
not standing quietly refused, and a photo of someone standing measured?

Rerun:  .venv/bin/python benchmarks/eval_activity_stills.py [--style STYLE ...] [--only ACTIVITY] [--front | --back]
        (about 15 min; ``--front``, ``--back``: every still filmed from the front or from behind instead)

Each still is one frame of :func:`vision.synthetic.activities.activity_clip` (the middle one: mid-stride for walking
and running), redrawn in a figure style of ``eval_movement.py`` (:func:`eval_movement.dresser`) in three of the
capsule's outfits and scenes standing for the style's own (an orange hoodie outdoors, dark clothes in a dark hall,
white clothes outdoors; ``eval_wrong_test.py`` covers the fourth, a teal tracksuit in a white studio, as clips and
stills), the person's right side to the camera for the first and third, the left for the second, and read by
:func:`capture.analyze.analyze_file` (the function behind ``posture analyze``) in a temporary folder removed
afterwards. Printed per still: measured or refused (the failure read first); per style, the counts; at the end the
**wrong results** (another activity measured, or a number shown after a refusal), the standing stills refused and
why, and the refusals that blame the filming (``found``: nobody found; on the pixel-art and the darkest styles the
pose model misses people, an honest refusal). Exit status 1 when there is a wrong result.

Session 49, first run (390 stills, ten styles): standing measured in 26 of 30 (refused: the loose style's legs not
seen clearly; pixel art "not standing upright" for feet it did not see; clinic "on one leg", one leg lifted only in
the pose model's 3D points; larger "one leg drawn short"; the two middle ones mended: the clinic still is measured,
the pixel-art one refused as "your feet ... were not seen clearly"; after, 27 of 30), the other
activities refused in 356 of 360 (20 of them because nobody was found: pixel art, cartoon, dark clothes in the dark),
**4 wrong results**, all the pose model drawing a standing body the picture does not show: kneeling upright (pixel
art, dusk), half-kneeling (pixel art), standing on one leg with the knee raised (pixel art, the raised leg not drawn at
all). Tried for them, not kept: the body outline's parts below the hips that no drawn limb explains (the largest
distance from the skeleton's limbs, in thigh lengths) read 0.42-1.00 on those, but 0.25-0.46 on the real standing
photos and up to 0.63 on rendered standing in loose clothes: a bound safe for long coats and skirts (0.75) would catch
two of the four.

With ``--front`` (every still facing the camera), first run: 120 of 360 stills of other activities measured as
standing (running 29, walking 28, one leg 19, half-kneeling 14, sitting on the floor 13 and on a chair 10, lunge 4,
kneeling 3), all 30 standing stills measured. After the front-view rule of :func:`analysis.activity.image_label`
(a raised ankle facing the camera is off the floor): 67 (running 28, sitting on the floor 13 and on a chair 10,
half-kneeling 12, kneeling 3, walking 1), standing 30 of 30.

Session 50, ``--front``: a foot behind the body (a runner mid-stride, the back knee of a half-kneeling person) is
hidden by the leg in front, and the pose model placed its ankle where it is but under the visibility bar; counted
while its knee is seen (:func:`analysis.activity.image_leg_features`): 30 left. A leg in the picture but not seen,
facing the camera or away from it, now leaves standing untold (``leg_hidden``): 27 left (sitting on the floor 11 and
on a chair 10, kneeling 3, running 2 in pixel art, walking 1), standing 30 of 30. ``--back``, with the first rule: 63
of 360 measured (kneeling 14, sitting on a chair 11, half-kneeling 10, walking 7, all fours 6, one leg 5, lunge 5,
running 3, bending 2), standing 28 of 30 (two dusk stills refused for a view misread as 36-43 degrees oblique); after
the second rule: 37 (kneeling 13, walking 7, all fours 6, lunge 3, sitting 2, running 2, bending 2, one leg 1,
half-kneeling 1), standing 28 of 30. Sitting facing the camera stays the hole: the model draws standing legs under
hips it moves up to the belly, and no landmark measure tried parts the sitting stills from standing ones (the figure's
height over its shoulder width 2.67-3.43 outside pixel art against 3.29-4.30 rendered standing and from 3.39 real; the
thighs' forward tilt in the model's 3D points up to 47 degrees against up to 27 on a real standing clip; the shoulder
width over the trunk 0.71-0.81 against 0.54-0.76). From behind, walkers' raised ankles read 0.17-0.19 trunk lengths,
just under ``activity_front_ankle_rise_min`` (real photos turned 23-30 degrees reach 0.19).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from eval_movement import STYLES, dresser  # noqa: E402
from eval_wrong_test import BLAMES_THE_FILMING, standing_on_still, standing_refused_cleanly  # noqa: E402

# (capsule outfit, capsule scene, camera azimuth: -90 = the person's right side, +90 = the left)
LOOKS = (("orange_hoodie", "outdoor", -90.0), ("dark_on_dark", "dark_hall", 90.0), ("white_kit", "outdoor", -90.0))


def main(argv=None) -> int:
    from vision.estimator import silence_native_logs
    from vision.synthetic.activities import ACTIVITIES, activity_clip
    from vision.synthetic.media_io import write_image

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--style", choices=STYLES, action="append", help="only this style (repeatable)")
    ap.add_argument("--only", choices=sorted(ACTIVITIES), action="append", help="only this activity (repeatable)")
    view = ap.add_mutually_exclusive_group()
    view.add_argument("--front", action="store_true", help="filmed from the front (facing the camera) instead of side-on")
    view.add_argument("--back", action="store_true", help="filmed from behind instead of side-on")
    a = ap.parse_args(argv)
    silence_native_logs()
    wrong, standing_refused, filming = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for style in a.style or STYLES:
            dress, counts = dresser(style), Counter()
            for outfit, scene, azimuth in LOOKS:
                for act in a.only or sorted(ACTIVITIES):
                    azimuth = 0.0 if a.front else 180.0 if a.back else azimuth
                    clip = dress(activity_clip(act, seconds=1.0, azimuth=azimuth, seed=91), outfit=outfit,
                                 scene=scene)
                    side = "front" if a.front else "back" if a.back else f"{'right' if azimuth < 0 else 'left'} side"
                    label = f"{style} {act} ({outfit}, {scene}, {side})"
                    path = tmp / f"{style}_{act}_{outfit}.png"
                    write_image(path, clip.frames[len(clip.frames) // 2], clip.shot, clip.seed)
                    res = standing_on_still(path, tmp / "out")
                    path.unlink()
                    if act == "standing":
                        first = res.get("blocked_by") or ""
                        what = "measured" if res.get("ok") else f"refused: {first}: " + next(
                            (c["reason"] for c in res.get("checks") or [] if c["name"] == first), "")[:90]
                        if not res.get("ok"):
                            standing_refused.append(f"{label}: {what}")
                        counts["standing measured" if res.get("ok") else "standing refused"] += 1
                    else:
                        ok, what, is_wrong = standing_refused_cleanly(res)
                        if is_wrong:
                            wrong.append(f"{label}: {what}")
                        elif not ok:
                            filming.append(f"{label}: {what}")
                        counts["WRONG" if is_wrong else "refused" if ok else "refused, the filming blamed"] += 1
                    print(f"  {label}: {what}", flush=True)
            print(f"== {style}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), flush=True)
    for title, rows in (("wrong results", wrong), ("standing stills refused", standing_refused),
                        (f"other activities refused for the filming ({', '.join(BLAMES_THE_FILMING)})", filming)):
        print(f"\n{title}: {len(rows)}" + "".join(f"\n  {r}" for r in rows))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
