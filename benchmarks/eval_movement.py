"""Accuracy and verdicts of the movement tests (issue 15): rendered movements in ten figure styles, and real clips.

Rerun:  .venv/bin/python benchmarks/eval_movement.py [--quick]
                                                      [--style mesh|capsule|...|larger|sun]
                                                      [--no-real] [--no-rendered] [--only NAME] [--cache DIR]
                                                      [--json out.json]

Rendered part, on **ten figure styles** (``mesh``: the 3D mesh figure the thresholds were developed on, the
sample media's style; ``capsule``: :mod:`vision.synthetic.capsule`, another drawing of the body with loose
clothes, toon lighting, outdoor and dark scenes, a pole held for balance, cameras from knee to head height;
``mannequin``: :mod:`vision.synthetic.mannequin`, a jointed mannequin in shorts or bare wood under a hard side
light, the capsule's cases in it, held out: added after every threshold was set and never tuned on; ``loose``:
:mod:`vision.synthetic.loose`, the mesh body in wide trousers and a long top hiding the hips, lit from behind, the
capsule's cases in it, held out the same way, added in session 29; ``ink``: :mod:`vision.synthetic.ink`, the mesh
body as a flat-coloured cartoon with black ink outlines in plain pastel rooms, the capsule's cases in it, held out
the same way, added in session 31; ``pixel``: :mod:`vision.synthetic.pixel`, the mesh body as pixel art (4-pixel
blocks in a 16-colour palette, toon light, plain game rooms), the capsule's cases in it, held out the same way,
added in session 33; ``dusk``: :mod:`vision.synthetic.dusk`, the mesh body in home clothes filmed as a phone films
at dusk: a dim warm lamp behind, a bright window or a dark room, grain, blur, strong compression and motion trails,
the capsule's cases in it, held out the same way, added in session 34; ``clinic``: :mod:`vision.synthetic.clinic`,
the mesh body in clinic clothes (scrubs, a black motion-capture suit, beige leggings near the skin's colour) under flat
overhead light, over-exposed, through a wide-angle wall camera and exported shrunk inside dark bars with a burned-in
stamp, the capsule's cases in it, held out the same way, added in session 35; ``larger``:
:mod:`vision.synthetic.larger`, the mesh drawing on heavier bodies (girth 1.38 to 1.5, a deep belly, wide buttocks,
thick thighs) in home clothes filmed with a phone at home, the capsule's cases in it with each build standing for
one of its own, held out the same way, added in session 36; ``sun``: :mod:`vision.synthetic.sun`, the mesh body in
sports kit outdoors under a low sun that throws a hard, dark, body-shaped shadow across the ground and up the wall
beside the person, sharp and a little over-exposed, the capsule's cases in it, held out the same way, added in
session 48).
Every movement script is rendered with its truth, tracked with MediaPipe (with segmentation) and run
through :func:`analysis.movement.run_movement_test`:

* **measured cases**: the repetitions found against the script's (counted exactly), the moving leg named
  against the script's, and per repetition the peak error against the truth: the same definition on the
  renderer's true 2D landmarks (thigh behind vertical, hip extension behind the trunk line as it stood before
  the repetition, Thomas and prone-knee-bend angles; the Thomas test's thigh against the table edge the capture
  found, on both). Floors (issue 15): repetitions exact; hip-extension and
  lunge peaks within 3 deg median and 5 deg worst on each style; Thomas and prone-knee-bend angles within 3 deg
  median; the moving leg named right every time.
  Among them, :data:`FPS60`: each one-leg test at 60 frames/s, filmed as its set-up asks and from the other side,
  and the lying tests with the helper their set-ups have beside the table; :data:`PHONE`: one clip of each test as
  a phone propped across a dim room sends it (further away, soft, noisy, strongly compressed); :data:`PORTRAIT`: one
  clip of each test filmed by a phone held upright (portrait); :data:`CAMERAS`: larger frames than the model's, 10
  frames/s, a rolled camera, one too close, a phone held in the hand; :data:`BOTH_LEGS`: a standing hip extension of
  both legs in turn (the other leg's repetitions left out); :data:`BOTH_LEGS_LYING`: a Thomas test and a prone knee bend
  of both legs in turn (refused, or no reading under the wrong leg's name). Each case first
  passes the capture's person check on what the people probes saw (:func:`person_check`), as in
  ``posture analyze``.
* **walking and running**: each step's thigh behind the vertical at its furthest back before toe-off (the value the test
  summarises) and at toe-off, against the truth, with a fixed and a following camera.
* **refusals**: another activity, the wrong view, the wrong movement or the wrong start posture offered
  as a test (another test's movement among them) must be refused (``ok`` false), the named check being the
  failure the user reads first (:func:`analysis.gates.blocking_failure`), with no number in the result or its
  text.

Real part (``../shared/data`` or ``$POSTURE_SHARED_DATA``, skipped when absent): every clip of
``benchmarks/real_manifest_movement.toml`` through the tests it lists (after the capture's person check, as in
``posture analyze``), each verdict against the expected one
(measured, with the leg or side, or refused by a named check, read first where the manifest says), and no
number after a failed blocking check.
The script exits 1 when a floor or an expected verdict is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.gates import blocking_failure  # noqa: E402
from analysis.movement import run_movement_test  # noqa: E402
from analysis.movement.checks import presented_metrics  # noqa: E402
from analysis.movement.run import LYING, THIGH_BACK  # noqa: E402
from analysis.movement.series import leg_series, trunk_lean  # noqa: E402
from analysis.people import gate_result  # noqa: E402
from analysis.people_in_turn import split_people  # noqa: E402
from analysis.quality import Check  # noqa: E402
from analysis.report_text import format_movement  # noqa: E402

SAMPLES = ROOT / "sample_media"
SHARED = Path(os.environ.get("POSTURE_SHARED_DATA") or ROOT.parent / "shared" / "data")
MANIFEST = ROOT / "benchmarks" / "real_manifest_movement.toml"
STYLES = ("mesh", "capsule", "mannequin", "loose", "ink", "pixel", "dusk", "clinic", "larger", "sun")
# the held-out style (vision.synthetic.mannequin, added in session 9 after every threshold was set; nothing is
# tuned on it): each capsule outfit and scene of a case stands for one of the mannequin's
MANNEQUIN_OUTFIT = {"orange_hoodie": "shorts_vest", "dark_on_dark": "black_red", "teal_tracksuit": "striped",
                    "white_kit": "wood"}
MANNEQUIN_SCENE = {"outdoor": "gym", "dark_hall": "living_room", "white_studio": "living_room"}
# a second held-out style (vision.synthetic.loose, added in session 29: wide trousers, a long top, back light)
LOOSE_OUTFIT = {"orange_hoodie": "grey_joggers", "dark_on_dark": "black_all", "teal_tracksuit": "navy_tunic",
                "white_kit": "red_check"}
LOOSE_SCENE = {"outdoor": "window_wall", "dark_hall": "bedroom", "white_studio": "window_wall"}
# a third held-out style (vision.synthetic.ink, added in session 31: a flat-coloured cartoon with ink outlines)
INK_OUTFIT = {"orange_hoodie": "cartoon_kid", "dark_on_dark": "green_suit", "teal_tracksuit": "hero",
              "white_kit": "pale"}
INK_SCENE = {"outdoor": "pastel", "dark_hall": "pastel", "white_studio": "paper"}
# a fourth held-out style (vision.synthetic.pixel, added in session 33: pixel art in a 16-colour palette)
PIXEL_OUTFIT = {"orange_hoodie": "runner", "dark_on_dark": "knight", "teal_tracksuit": "forest", "white_kit": "plum"}
PIXEL_SCENE = {"outdoor": "sky", "dark_hall": "dungeon", "white_studio": "sand"}
# a fifth held-out style (vision.synthetic.dusk, added in session 34: a phone video at dusk, with motion trails)
DUSK_OUTFIT = {"orange_hoodie": "gym_shorts", "dark_on_dark": "black_jeans", "teal_tracksuit": "sweats",
               "white_kit": "pyjamas"}
DUSK_SCENE = {"outdoor": "window", "dark_hall": "tv_room", "white_studio": "lamp_room"}
# a sixth held-out style (vision.synthetic.clinic, added in session 35: a wide-angle wall camera, exported in bars)
CLINIC_OUTFIT = {"orange_hoodie": "beige_leggings", "dark_on_dark": "mocap", "teal_tracksuit": "white_top",
                 "white_kit": "scrubs"}
CLINIC_SCENE = {"outdoor": "ward", "dark_hall": "gait_lab", "white_studio": "treatment_room"}
# a seventh held-out style (vision.synthetic.larger, added in session 36: heavier bodies filmed at home); each
# capsule build (None: the clip's own) stands for one of its larger builds too
LARGER_OUTFIT = {"orange_hoodie": "long_tee", "dark_on_dark": "navy_tracksuit", "teal_tracksuit": "patterned",
                 "white_kit": "vest_shorts"}
LARGER_SCENE = {"outdoor": "kitchen", "dark_hall": "hallway", "white_studio": "living_room"}
LARGER_BUILD = {None: "apple", "average": "apple", "stocky": "pear", "long_legs": "tall_heavy", "petite": "older"}
# an eighth held-out style (vision.synthetic.sun, added in session 48: outdoors in a low sun, a hard body-shaped
# shadow on the ground and the wall beside the person)
SUN_OUTFIT = {"orange_hoodie": "running_vest", "dark_on_dark": "black_tights", "teal_tracksuit": "football_kit",
              "white_kit": "white_tee"}
SUN_SCENE = {"outdoor": "garden", "dark_hall": "yard", "white_studio": "patio"}
FLOORS = {"peak_median": 3.0, "peak_worst": 5.0, "lying_median": 3.0}
BOUND_SLACK_DEG = 3.0  # a lower bound ("at least") further above the truth than this is a broken promise
# a value given as a result further from the truth than this is a wrong number (the worst-case floor for the
# standing tests; twice it lying down, where the issue asks only for the median), in the quantity's unit
WRONG_NUMBER = {"hip_extension": 5.0, "lunge": 5.0, "thomas": 10.0, "ely": 10.0}
# held-out prone knee bends: (name, side, max knee flexion, hip lift, body, appearance, camera azimuth and height,
# capsule outfit, scene, build, bends, seed, frames per second). Each set was rendered after the method it
# checked: h1-h8 found the outline following the other leg (session 4); v1-v8 found two real bends read as one
# and the thigh's outline edge missing the thigh's turn (session 5); w1-w8 (session 5, three at 30 frames/s)
# found the segmentation mask dropping a raised lower leg for a frame or two (w2); x1-x8 below.
ELY_HELD_OUT = [
    ("h1", "right", 95.0, 0.0, "average", "blue_shirt", -90.0, 1.2, "white_kit", "outdoor", None, 1, 101, 15.0),
    ("h2", "left", 120.0, 6.0, "female", "red_top", 90.0, 1.0, "orange_hoodie", "white_studio", "petite", 1, 102, 15.0),
    ("h3", "right", 135.0, 10.0, "tall_slim", "gym", -85.0, 1.4, "dark_on_dark", "dark_hall", "long_legs", 1, 103, 15.0),
    ("h4", "left", 105.0, 3.0, "short_heavy", "striped", 95.0, 1.1, "teal_tracksuit", "outdoor", "stocky", 1, 104, 15.0),
    ("h5", "right", 125.0, 0.0, "athletic", "dark_skin", -95.0, 0.9, "orange_hoodie", "dark_hall", None, 1, 105, 15.0),
    ("h6", "left", 90.0, 8.0, "average", "gym", 90.0, 1.3, "white_kit", "white_studio", "long_legs", 1, 106, 15.0),
    ("h7", "right", 110.0, 5.0, "female", "striped", -90.0, 1.0, "teal_tracksuit", "white_studio", "petite", 1, 107, 15.0),
    ("h8", "left", 140.0, 0.0, "tall_slim", "blue_shirt", 88.0, 1.2, "dark_on_dark", "outdoor", None, 1, 108, 15.0),
    ("v1", "right", 100.0, 4.0, "athletic", "red_top", -92.0, 1.15, "dark_on_dark", "white_studio", "stocky", 2, 301, 15.0),
    ("v2", "left", 115.0, 0.0, "short_heavy", "gym", 92.0, 0.95, "white_kit", "outdoor", None, 1, 302, 15.0),
    ("v3", "right", 130.0, 7.0, "female", "dark_skin", -88.0, 1.35, "orange_hoodie", "outdoor", "long_legs", 1, 303, 15.0),
    ("v4", "left", 85.0, 2.0, "average", "striped", 86.0, 1.05, "teal_tracksuit", "dark_hall", "petite", 2, 304, 15.0),
    ("v5", "right", 120.0, 9.0, "tall_slim", "red_top", -94.0, 1.25, "white_kit", "dark_hall", None, 1, 305, 15.0),
    ("v6", "left", 140.0, 5.0, "athletic", "blue_shirt", 91.0, 1.1, "dark_on_dark", "white_studio", "stocky", 1, 306, 15.0),
    ("v7", "right", 105.0, 0.0, "short_heavy", "dark_skin", -87.0, 1.0, "orange_hoodie", "white_studio", "petite", 2,
     307, 15.0),
    ("v8", "left", 125.0, 3.0, "female", "gym", 89.0, 1.3, "teal_tracksuit", "outdoor", None, 1, 308, 15.0),
    ("w1", "left", 110.0, 6.0, "tall_slim", "striped", 93.0, 1.2, "orange_hoodie", "dark_hall", "stocky", 2, 501, 30.0),
    ("w2", "right", 95.0, 0.0, "female", "blue_shirt", -91.0, 1.0, "teal_tracksuit", "white_studio", "long_legs", 1, 502,
     15.0),
    ("w3", "left", 135.0, 4.0, "athletic", "dark_skin", 88.0, 1.3, "white_kit", "outdoor", "petite", 1, 503, 30.0),
    ("w4", "right", 120.0, 8.0, "average", "red_top", -86.0, 0.95, "dark_on_dark", "dark_hall", None, 2, 504, 15.0),
    ("w5", "left", 100.0, 0.0, "short_heavy", "blue_shirt", 94.0, 1.1, "white_kit", "white_studio", None, 1, 505, 15.0),
    ("w6", "right", 140.0, 3.0, "female", "gym", -93.0, 1.2, "orange_hoodie", "outdoor", "stocky", 1, 506, 15.0),
    ("w7", "left", 90.0, 5.0, "athletic", "striped", 87.0, 1.0, "teal_tracksuit", "outdoor", "long_legs", 1, 507, 30.0),
    ("w8", "right", 125.0, 2.0, "tall_slim", "dark_skin", -89.0, 1.25, "dark_on_dark", "white_studio", "petite", 1, 508,
     15.0),
    # x1-x8: drawn at random (numpy seed 20261201) after the mask-drop rule (session 6), at 15, 25 and 30 frames/s
    ("x1", "left", 83.0, 4.0, "female", "red_top", 91.0, 0.98, "dark_on_dark", "dark_hall", "long_legs", 2, 701, 25.0),
    ("x2", "left", 110.0, 1.0, "average", "striped", 87.0, 1.36, "orange_hoodie", "dark_hall", "stocky", 2, 702, 15.0),
    ("x3", "right", 112.0, 7.0, "short_heavy", "striped", -93.0, 1.17, "dark_on_dark", "dark_hall", "long_legs", 2, 703,
     25.0),
    ("x4", "left", 128.0, 8.0, "short_heavy", "striped", 90.0, 1.03, "teal_tracksuit", "white_studio", "long_legs", 1,
     704, 30.0),
    ("x5", "right", 132.0, 0.0, "athletic", "red_top", -86.0, 0.96, "orange_hoodie", "outdoor", None, 1, 705, 30.0),
    ("x6", "right", 118.0, 9.0, "tall_slim", "blue_shirt", -90.0, 1.03, "orange_hoodie", "dark_hall", "long_legs", 2, 706,
     25.0),
    ("x7", "left", 101.0, 3.0, "short_heavy", "red_top", 94.0, 0.92, "white_kit", "white_studio", None, 2, 707, 30.0),
    ("x8", "right", 82.0, 4.0, "short_heavy", "gym", -90.0, 1.38, "orange_hoodie", "outdoor", "petite", 2, 708, 15.0),
    # z1-z4: drawn at random (numpy seed 20261202, session 16) after every method of the lying tests; nothing tuned on them
    ("z1", "right", 80.0, 10.0, "short_heavy", "gym", 85.0, 0.98, "orange_hoodie", "white_studio", "petite", 1, 1301, 15.0),
    ("z2", "left", 124.0, 4.0, "average", "gym", -95.0, 1.21, "orange_hoodie", "white_studio", "stocky", 1, 1302, 30.0),
    ("z3", "right", 121.0, 2.0, "short_heavy", "dark_skin", -95.0, 1.01, "white_kit", "outdoor", "long_legs", 2, 1303, 15.0),
    ("z4", "right", 101.0, 2.0, "tall_slim", "striped", -85.0, 1.31, "dark_on_dark", "dark_hall", "long_legs", 2, 1304,
     25.0),
]
# held-out standing hip extensions, drawn at random (numpy seed 202612011, session 6) after every method they check:
# (name, moving side, moving leg near the camera, extension, compensation, body, appearance, camera azimuth and
# height, capsule outfit, scene, build, pole hand, repetitions, seed, frames per second)
HIPEXT_HELD_OUT = [
    ("y1", "left", True, 15.0, 0.17, "average", "striped", 92.0, 0.85, "orange_hoodie", "outdoor", "petite", None, 3, 901,
     15.0),
    ("y2", "left", False, 23.0, 0.13, "short_heavy", "striped", -85.0, 0.99, "dark_on_dark", "outdoor", "long_legs",
     "right", 3, 902, 30.0),
    ("y3", "right", False, 19.0, 0.28, "average", "red_top", 90.0, 1.06, "orange_hoodie", "outdoor", None, "left", 3, 903,
     25.0),
    ("y4", "right", False, 15.0, 0.47, "tall_slim", "gym", 86.0, 1.43, "white_kit", "dark_hall", "long_legs", "left", 2,
     904, 15.0),
    ("y5", "right", True, 23.0, 0.8, "tall_slim", "gym", -85.0, 1.05, "dark_on_dark", "dark_hall", None, "right", 2, 905,
     15.0),
    ("y6", "left", True, 20.0, 0.16, "athletic", "gym", 84.0, 0.95, "orange_hoodie", "white_studio", "stocky", "left", 3,
     906, 15.0),
    ("y7", "right", True, 14.0, 0.04, "average", "blue_shirt", -94.0, 0.76, "dark_on_dark", "white_studio", "stocky", None,
     3, 907, 15.0),
    ("y8", "right", True, 15.0, 0.62, "short_heavy", "striped", -91.0, 1.22, "teal_tracksuit", "dark_hall", "long_legs",
     None, 2, 908, 25.0),
    # z1-z6: drawn at random the same way (numpy seed 20261202, session 16), after every method; nothing tuned on them
    ("z1", "left", False, 13.0, 0.65, "average", "red_top", -86.0, 1.07, "teal_tracksuit", "outdoor", "petite", "right", 2,
     1001, 25.0),
    ("z2", "left", False, 23.0, 0.74, "athletic", "red_top", -89.0, 1.36, "orange_hoodie", "dark_hall", None, "right", 3,
     1002, 15.0),
    ("z3", "right", False, 21.0, 0.7, "female", "blue_shirt", 94.0, 0.79, "orange_hoodie", "white_studio", None, None, 2,
     1003, 15.0),
    ("z4", "left", True, 14.0, 0.38, "short_heavy", "striped", 88.0, 1.36, "dark_on_dark", "outdoor", None, "left", 2, 1004,
     15.0),
    ("z5", "right", True, 19.0, 0.03, "tall_slim", "blue_shirt", -89.0, 1.03, "teal_tracksuit", "white_studio", "long_legs",
     "left", 2, 1005, 30.0),
    ("z6", "right", True, 15.0, 0.38, "average", "blue_shirt", -93.0, 0.93, "dark_on_dark", "white_studio", "petite", None,
     3, 1006, 25.0),
    # q1-q8: drawn at random the same way (numpy seed 20261205, session 38), after the thigh's lower line
    # (thigh_lower_line_fraction) was set, to check it; nothing tuned on them
    ("q1", "right", True, 17.0, 0.22, "short_heavy", "striped", -86.0, 0.89, "white_kit", "dark_hall", None, "left", 3,
     1101, 30.0),
    ("q2", "right", False, 14.0, 0.22, "short_heavy", "gym", 92.0, 1.0, "teal_tracksuit", "white_studio", "petite",
     "left", 2, 1102, 15.0),
    ("q3", "right", True, 20.0, 0.03, "tall_slim", "gym", -91.0, 1.09, "teal_tracksuit", "dark_hall", None, None, 2, 1103,
     15.0),
    ("q4", "right", False, 20.0, 0.13, "tall_slim", "red_top", 87.0, 0.99, "dark_on_dark", "outdoor", "long_legs", "left",
     3, 1104, 15.0),
    ("q5", "left", True, 19.0, 0.35, "athletic", "gym", 86.0, 0.84, "orange_hoodie", "dark_hall", "stocky", "left", 3,
     1105, 30.0),
    ("q6", "right", True, 15.0, 0.62, "female", "blue_shirt", -88.0, 0.95, "orange_hoodie", "dark_hall", "petite", None, 3,
     1106, 25.0),
    ("q7", "right", False, 17.0, 0.6, "female", "red_top", 92.0, 1.4, "dark_on_dark", "white_studio", None, "right", 2,
     1107, 30.0),
    ("q8", "right", True, 18.0, 0.64, "average", "blue_shirt", -91.0, 0.89, "teal_tracksuit", "outdoor", "stocky", None, 2,
     1108, 30.0),
]
# held-out kneeling lunges (left knee down) and Thomas tests, drawn at random (numpy seed 202612012, session 6):
# lunges (name, camera azimuth and height, body, appearance, capsule outfit, scene, build, seed, frames per second);
# Thomas tests (name, hanging side, thigh above horizontal, knee flexion, then as the lunges)
LUNGE_HELD_OUT = [
    ("l1", 91.0, 0.7, "average", "gym", "white_kit", "white_studio", "petite", 801, 30.0),
    ("l2", 86.0, 1.2, "average", "blue_shirt", "dark_on_dark", "dark_hall", "petite", 802, 30.0),
    ("l3", -95.0, 1.02, "average", "blue_shirt", "orange_hoodie", "dark_hall", "petite", 803, 15.0),
    ("l4", 86.0, 1.27, "female", "blue_shirt", "orange_hoodie", "outdoor", "long_legs", 804, 25.0),
    # z1-z4 and the Thomas tests' z1-z4: drawn at random (numpy seed 20261202, session 16); nothing tuned on them
    ("z1", 87.0, 0.86, "average", "dark_skin", "orange_hoodie", "outdoor", "stocky", 1101, 15.0),
    ("z2", 86.0, 1.27, "short_heavy", "striped", "teal_tracksuit", "white_studio", "long_legs", 1102, 25.0),
    ("z3", 87.0, 0.98, "short_heavy", "blue_shirt", "dark_on_dark", "dark_hall", "stocky", 1103, 25.0),
    ("z4", 91.0, 1.07, "average", "red_top", "teal_tracksuit", "dark_hall", None, 1104, 30.0),
]
THOMAS_HELD_OUT = [
    ("t1", "right", 5.0, 65.0, -92.0, 1.38, "female", "gym", "white_kit", "outdoor", "long_legs", 851, 30.0),
    ("t2", "left", -3.0, 98.0, 87.0, 1.19, "short_heavy", "gym", "orange_hoodie", "dark_hall", None, 852, 25.0),
    ("t3", "left", 9.0, 62.0, 86.0, 0.91, "tall_slim", "gym", "dark_on_dark", "outdoor", "petite", 853, 30.0),
    ("t4", "left", -14.0, 85.0, -91.0, 1.13, "athletic", "striped", "teal_tracksuit", "white_studio", "stocky", 854, 25.0),
    ("z1", "left", 8.0, 81.0, -92.0, 1.21, "average", "blue_shirt", "white_kit", "dark_hall", "long_legs", 1201, 25.0),
    ("z2", "left", 0.0, 68.0, -87.0, 1.2, "average", "blue_shirt", "teal_tracksuit", "white_studio", None, 1202, 25.0),
    ("z3", "right", 6.0, 95.0, -84.0, 1.17, "short_heavy", "striped", "white_kit", "dark_hall", None, 1203, 25.0),
    ("z4", "right", 5.0, 92.0, -94.0, 1.32, "tall_slim", "blue_shirt", "orange_hoodie", "dark_hall", "long_legs", 1204,
     15.0),
]

# held-out sit-to-stands, drawn at random (numpy seed 202612021, session 16) after every method; nothing tuned on
# them: (name, camera azimuth and height, body, appearance, capsule outfit, scene, build, seed, frames per second)
SIT_HELD_OUT = [
    ("s1", 87.0, 0.9, "short_heavy", "blue_shirt", "orange_hoodie", "outdoor", "long_legs", 1401, 30.0),
    ("s2", 87.0, 0.79, "short_heavy", "blue_shirt", "dark_on_dark", "white_studio", "stocky", 1402, 25.0),
    ("s3", 91.0, 1.25, "athletic", "striped", "white_kit", "white_studio", None, 1403, 25.0),
    ("s4", 88.0, 1.1, "short_heavy", "gym", "dark_on_dark", "white_studio", "long_legs", 1404, 15.0),
]

# 60 frames/s (phones film at 60), chosen by hand in session 8 (not drawn at random): each one-leg test filmed
# once with the tested leg nearest the camera, as its set-up asks ("near"), and once from the other side ("far").
# (name, kind, tested leg, camera azimuth and height, capsule outfit, scene, build, seed)
FPS60 = [
    ("hipext_far", "hip_extension", "left", -88.0, 1.1, "white_kit", "outdoor", "stocky", 611),
    ("hipext_near", "hip_extension", "left", 88.0, 1.1, "white_kit", "outdoor", "stocky", 611),
    ("lunge_far", "lunge", "left", -90.0, 0.8, "orange_hoodie", "dark_hall", "long_legs", 612),
    ("lunge_near", "lunge", "left", 90.0, 0.8, "orange_hoodie", "dark_hall", "long_legs", 612),
    ("thomas_far", "thomas", "right", 92.0, 0.9, "teal_tracksuit", "white_studio", "petite", 613),
    ("thomas_near", "thomas", "right", -92.0, 0.9, "teal_tracksuit", "white_studio", "petite", 613),
    ("ely_far", "ely", "right", 88.0, 1.0, "white_kit", "outdoor", "average", 614),
    ("ely_near", "ely", "right", -88.0, 1.0, "white_kit", "outdoor", "average", 614),
]
# both legs tested in one clip (session 24): (name, repetitions' legs, their extension degrees, camera azimuth and
# height, capsule outfit, scene, build, seed). Only the near leg is measured, the other's repetitions are left out
# and said to be (the ``other_leg`` check); the far leg first, alternating, or swinging further than the near.
BOTH_LEGS = [
    ("rrll", ("right", "right", "left", "left"), (18.0, 18.0, 14.0, 14.0), -90.0, 1.0, "orange_hoodie", "outdoor",
     None, 801),
    ("lrlr_far_further", ("left", "right", "left", "right"), (24.0, 16.0, 24.0, 16.0), -88.0, 1.3, "teal_tracksuit",
     "white_studio", "long_legs", 802),
    ("rrll_facing_left", ("right", "right", "left", "left"), (14.0, 14.0, 20.0, 20.0), 90.0, 0.9, "white_kit",
     "dark_hall", "stocky", 803),
]
# both legs tested lying, one after the other (session 24): (name, kind, the two legs in order, each leg's reading:
# the Thomas test's thigh above level or the prone knee bend's knee, degrees). Lying side-on the legs cannot be told
# apart: a case passes when it is refused by the ``repeat`` check, or when every reading given lies nearer the
# named leg's than the other leg's (no number under the wrong leg's name).
BOTH_LEGS_LYING = [
    ("thomas_rl", "thomas", ("right", "left"), (6.0, -8.0), 811),
    ("thomas_lr", "thomas", ("left", "right"), (6.0, -8.0), 812),
    ("ely_rl", "ely", ("right", "left"), (120.0, 100.0), 813),
    ("ely_lr", "ely", ("left", "right"), (120.0, 100.0), 814),
]
# phone footage (session 20): each test filmed from further away (4.2 m: the person about 230 pixels tall in a
# 640 x 480 picture), soft, noisy, dim and strongly compressed, as a phone propped across a room in the evening
# sends it: (name, kind, leg, camera azimuth and height, capsule outfit, scene, build, seed). Rendered after every
# method and threshold was set; nothing is tuned on them.
PHONE_IMAGING = dict(blur=1.6, noise=7.0, jpeg_quality=35, exposure=0.8)
PHONE_DISTANCE = 4.2
PHONE = [
    ("hipext", "hip_extension", "right", -88.0, 1.1, "teal_tracksuit", "dark_hall", None, 901),
    ("lunge", "lunge", "left", 90.0, 0.9, "dark_on_dark", "outdoor", "stocky", 902),
    ("thomas", "thomas", "right", -92.0, 1.0, "orange_hoodie", "white_studio", "long_legs", 903),
    ("ely", "ely", "right", -88.0, 1.1, "white_kit", "dark_hall", "petite", 904),
    ("sit_to_stand", "sit_to_stand", None, 90.0, 1.0, "teal_tracksuit", "outdoor", None, 905),
]
# a phone held upright (session 23): each test filmed in portrait, 480 x 854 pixels with a 62-degree vertical field
# (a phone's), soft and compressed, at 30 frames/s: (name, kind, leg, camera azimuth and height, capsule outfit,
# scene, seed). Chosen by hand after every method was set (a capsule half-kneel was refused as "two people": a pose
# found over the person's own chest); nothing else is tuned on them.
PORTRAIT_IMAGING = dict(blur=0.8, noise=3.0, jpeg_quality=60)
PORTRAIT_PICTURE = dict(width=480, height_px=854, vfov=62.0)
PORTRAIT = [
    ("hipext", "hip_extension", "right", -88.0, 1.0, "orange_hoodie", "outdoor", 31),
    ("lunge", "lunge", "left", 90.0, 1.0, "teal_tracksuit", "white_studio", 32),
    ("sit", "sit_to_stand", None, 90.0, 1.0, "white_kit", "dark_hall", 33),
    ("ely", "ely", "right", -88.0, 1.0, "dark_on_dark", "outdoor", 34),
    ("thomas", "thomas", "right", -92.0, 0.9, "teal_tracksuit", "white_studio", 35),
]
# cameras an outside renderer or a phone may use (session 27): (name, kind, leg, camera azimuth, the picture's
# camera fields (``distance``: metres, 3 unless said), frames per second, capsule outfit, scene, seed; refused_by for a
# refusal). Frames larger than the model's 960 pixels (the capture scales them down and maps the outline back up: the
# evaluation kept it at the model's scale and refused every such clip until session 27), 10 frames/s, a camera
# rolled 5 degrees (measured against the picture's vertical, with the camera-level warning; the truth is read the
# same way) and one so close that the feet and the head are cut off (refused: whole body, or nobody found where the
# pose model finds no one so cut: the capsule). Chosen by hand after every method was set.
CAMERAS = [
    ("hd_hipext", "hip_extension", "right", -90.0, dict(width=1280, height_px=720), 30.0, "orange_hoodie", "outdoor",
     41, None),
    ("hd_lunge", "lunge", "left", 90.0, dict(width=1280, height_px=720), 30.0, "teal_tracksuit", "dark_hall", 42,
     None),
    ("hd_thomas", "thomas", "left", 90.0, dict(width=1280, height_px=720), 30.0, "orange_hoodie", "outdoor", 43,
     None),
    ("hd_ely", "ely", "right", -90.0, dict(width=1280, height_px=720), 30.0, "teal_tracksuit", "white_studio", 44,
     None),
    ("fullhd_hipext", "hip_extension", "left", 90.0, dict(width=1920, height_px=1080), 30.0, "white_kit",
     "dark_hall", 45, None),
    ("fps10_hipext", "hip_extension", "right", -90.0, {}, 10.0, "dark_on_dark", "outdoor", 46, None),
    ("roll5_hipext", "hip_extension", "right", -90.0, dict(roll=5.0), 15.0, "orange_hoodie", "white_studio", 47,
     None),
    ("feet_cut_hipext", "hip_extension", "right", -90.0, {}, 15.0, "teal_tracksuit", "outdoor", 48,
     ["whole_body", "found"]),
    # session 28: a sit-to-stand at 10 frames/s (its full stand read 0.9 s late: the standing level was the
    # highest frame) and three tests filmed 6 m away at 1280 x 720 (the person a third of the picture's height: the
    # capsule was found in no frame standing, and seated only once they stood up, the mannequin lying face down in
    # none, until the search on tiles, capture.analyze.zoom_person_small)
    ("fps10_sit", "sit_to_stand", None, 90.0, {}, 10.0, "white_kit", "outdoor", 49, None),
    ("far_hipext", "hip_extension", "right", -90.0, dict(width=1280, height_px=720, distance=6.0), 30.0,
     "orange_hoodie", "outdoor", 50, None),
    ("far_sit", "sit_to_stand", None, 90.0, dict(width=1280, height_px=720, distance=6.0), 30.0, "teal_tracksuit",
     "dark_hall", 51, None),
    ("far_ely", "ely", "right", -88.0, dict(width=1280, height_px=720, distance=6.0), 15.0, "orange_hoodie", "outdoor",
     52, None),
    # session 47: a phone held in the hand (vision.synthetic.camera.handheld_warp: the picture drifting up to 2 % of
    # its size, turning up to 1.5 degrees and zooming up to 3 %; the truth moved with it)
    ("handheld_hipext", "hip_extension", "left", 90.0, dict(handheld=True), 30.0, "teal_tracksuit", "outdoor", 53,
     None),
    ("handheld_lunge", "lunge", "left", 90.0, dict(handheld=True), 30.0, "orange_hoodie", "white_studio", 54, None),
    ("handheld_sit", "sit_to_stand", None, 90.0, dict(handheld=True), 30.0, "teal_tracksuit", "outdoor", 55, None),
    ("handheld_ely", "ely", "right", -88.0, dict(handheld=True), 30.0, "white_kit", "outdoor", 56, None),
]
CAMERAS_CLOSE = 1.5  # metres: feet_cut_hipext's camera distance

# ----------------------------------------------------------------------------------------------------
# tracking and truth
# ----------------------------------------------------------------------------------------------------
def track_clip(path: Path, segmentation: bool = True, kind: str | None = None) -> dict:
    """Track a clip with MediaPipe: the PoseSequence arrays, the outline (with ``segmentation``), when
    several people were seen and what the people probes saw (``people_*``, for :func:`person_check`). For a
    test done lying (``kind``), the capture's further passes when the model followed someone upright
    (:func:`capture.analyze.follow_person_lying`) or found the person in too few frames
    (:func:`capture.analyze.turn_person_lying`), and for any other test but the walk when the model found a person
    filmed small in too few frames (:func:`capture.analyze.zoom_person_small`; ``retracked`` says whether a further
    pass was kept); for the Thomas test,
    the table's edge, for the hip extension and the lunge the room's level lines (:func:`capture.analyze.level_edge`,
    ``table_edge``, ``scene_level``)."""
    from analysis.movement.checks import scene_level_search
    from analysis.movement.thomas import table_edge_search
    from capture.analyze import follow_person_lying, level_edge, turn_person_lying, zoom_person_small
    from vision.people import stack_people
    from vision.pipeline import track
    from vision.sources import open_source

    def once(hide=None, turn=0, crop=None):
        src = open_source(path)
        try:
            return track(src, segmentation=segmentation, probe_people=True, hide=hide, turn=turn, crop=crop)
        finally:
            src.close()

    tr = once()
    passes = []

    def retrack(hide=None, turn=0, crop=None):
        passes.append(once(hide, turn, crop))
        return passes[-1]

    again = None
    for again_with in ((follow_person_lying, turn_person_lying) if kind in LYING else ()) + (
            lambda t, k, r: zoom_person_small(t, k, path, r),):
        if again_with(tr, kind, retrack) is not None:
            again = True
            tr = passes[-1]
    s = tr.sequence
    edge = level_edge(path, s, table_edge_search) if kind == "thomas" else np.nan
    scene = level_edge(path, s, scene_level_search) if kind in THIGH_BACK else np.nan
    people = stack_people(tr.people)
    d = {"timestamps": s.timestamps, "pixels": s.pixels.astype(np.float64), "visibility": s.visibility,
         "world": s.world, "landmarks": s.landmarks, "image_size": s.image_size, "outline": None,
         "several_people_at": np.asarray(tr.several_people_at, dtype=np.float64),
         "retracked": np.array(again is not None), "table_edge": np.array(edge),
         "scene_level": np.array(scene),
         **{f"people_{k}": v for k, v in people.items()}}
    if segmentation and s.outline is not None:
        # the capture's outlines, in the source frame's pixels (traced on the model's frame and scaled back up:
        # session 27 found clips wider than the model's 960 pixels given outlines at the model's scale)
        d["outline"] = s.outline.astype(np.float64)
    return d


def cached_track(key: str, path_fn, cache: Path | None, kind: str | None = None) -> dict:
    """:func:`track_clip` of ``path_fn()`` (for the test ``kind``), kept in ``cache/key.npz`` when a cache
    folder is given."""
    f = None if cache is None else cache / f"{key}.npz"
    if f is not None and f.exists():
        z = np.load(f, allow_pickle=False)
        d = {k: z[k] for k in z.files}
        d["outline"] = d.get("outline") if "outline" in d and d["outline"].size else None
        return d
    d = track_clip(path_fn(), kind=kind)
    if f is not None:
        f.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(f, **{k: (v if v is not None else np.zeros(0)) for k, v in d.items()})
    return d


def person_check(d: dict, kind: str) -> Check | None:
    """The capture's ``"person"`` check (:func:`capture.analyze.person_check`) on a track's people probes; None
    for a track cached before the probes were kept."""
    from analysis.people import check_person

    if "people_followed" not in d:
        return None
    return check_person(d["people_followed"], d["people_others"], d["people_image_size"], d["people_timestamps"],
                        clip=True, helper_expected=kind in LYING)


def cached_with_truth(cache: Path, pattern: str = "*"):
    """The rendered clips cached in ``cache`` (names matching ``pattern``) with their truth: for each, its style
    (the name's prefix), the truth dict, the cached track (:func:`cached_track`) and the true points
    (:func:`true_track`'s pixels); clips whose track and truth differ in length are left out."""
    for tf in sorted(cache.glob(f"{pattern}.truth.json")):
        key = tf.name[:-len(".truth.json")]
        if not (cache / f"{key}.npz").exists():
            continue
        truth = json.loads(tf.read_text())
        d = cached_track(key, None, cache)
        true = true_track(truth)["pixels"]
        if len(d["pixels"]) == len(true):
            yield key.split("__")[0], truth, d, true


def true_track(truth: dict) -> dict:
    """The renderer's true 2D landmarks as a track (visibility 1)."""
    from vision.synthetic.truth import landmark_array

    px = np.stack([landmark_array(f) for f in truth["frames"]])
    return {"timestamps": np.array([f["time_s"] for f in truth["frames"]]), "pixels": px,
            "visibility": np.ones(px.shape[:2])}


# ----------------------------------------------------------------------------------------------------
# the rendered cases
# ----------------------------------------------------------------------------------------------------
def _cam(azimuth: float, **kw):
    from vision.synthetic.camera import Camera

    base = dict(azimuth=azimuth, distance=3.0, height=1.0, target=(0.0, 0.9, 0.0), width=640, height_px=480, vfov=50.0)
    base.update(kw)
    return Camera(**base)


def _test_clip(name: str, kind: str, leg: str | None, azimuth: float, height: float, im, seed: int, fps: float = 60.0,
               distance: float = 3.0, **picture):
    """One clip of :data:`FPS60`, :data:`PHONE` or :data:`PORTRAIT`: the test's script, its camera on the given side
    (``picture``: the camera's ``width``, ``height_px`` and ``vfov`` when not a 640 x 480 landscape one)."""
    from vision.synthetic.movements import hip_extension, kneeling_lunge, prone_knee_bend, sit_to_stand, thomas_test

    def cam(target):
        return _cam(azimuth, target=target, height=height, distance=distance, **picture)

    if kind == "hip_extension":
        return hip_extension(name, fps=fps, reps=2, side=leg, extension_deg=17.0, compensation=0.3,
                             camera=cam((0.0, 0.9, 0.0)), imaging=im, seed=seed)
    if kind == "lunge":  # the left knee down
        return kneeling_lunge(name, fps=fps, camera=cam((0.1, 0.6, 0.0)), imaging=im, seed=seed)
    if kind == "thomas":
        return thomas_test(name, fps=fps, hanging=leg, thigh_deg=6.0, knee_deg=70.0, camera=cam((-0.35, 0.8, 0.0)),
                           imaging=im, seed=seed)
    if kind == "sit_to_stand":
        return sit_to_stand(name, fps=fps, camera=cam((0.1, 0.75, 0.0)), imaging=im, seed=seed)
    return prone_knee_bend(name, fps=fps, side=leg, max_knee=115.0, camera=cam((0.1, 0.85, 0.0)), imaging=im,
                           seed=seed)


def _lying_in_turn(name: str, kind: str, legs, readings, im, seed: int):
    """One leg's Thomas test or prone knee bend, then the other's, in one clip (:func:`movements.in_turn`):
    :data:`BOTH_LEGS_LYING`."""
    from vision.synthetic.movements import in_turn, prone_knee_bend, thomas_test

    if kind == "thomas":
        a, b = (thomas_test(name, hanging=leg, thigh_deg=deg, knee_deg=60.0, imaging=im, seed=seed)
                for leg, deg in zip(legs, readings))
    else:
        a, b = (prone_knee_bend(name, side=leg, max_knee=deg, imaging=im, seed=seed) for leg, deg in zip(legs, readings))
    return in_turn(a, b, name)


def dresser(style: str):
    """``dress(clip, outfit="orange_hoodie", scene="outdoor", **kw) -> Clip``: a clip of the mesh figure redrawn in
    ``style``, the capsule's ``outfit`` and ``scene`` (and, for the larger style, build) standing for the style's own
    (the ``*_OUTFIT`` and ``*_SCENE`` tables above); the mesh style keeps the clip as it is."""
    from vision.synthetic import capsule as cs
    from vision.synthetic import clinic, dusk, ink, larger, pixel, sun
    from vision.synthetic import loose as lo
    from vision.synthetic import mannequin as mq

    held_out = {"mannequin": (mq, MANNEQUIN_OUTFIT, MANNEQUIN_SCENE, None),
                "loose": (lo, LOOSE_OUTFIT, LOOSE_SCENE, None), "ink": (ink, INK_OUTFIT, INK_SCENE, None),
                "pixel": (pixel, PIXEL_OUTFIT, PIXEL_SCENE, None), "dusk": (dusk, DUSK_OUTFIT, DUSK_SCENE, None),
                "clinic": (clinic, CLINIC_OUTFIT, CLINIC_SCENE, None),
                "larger": (larger, LARGER_OUTFIT, LARGER_SCENE, LARGER_BUILD),
                "sun": (sun, SUN_OUTFIT, SUN_SCENE, None)}

    def dress(clip, outfit="orange_hoodie", scene="outdoor", **kw):
        if style in held_out:
            module, outfits, scenes, builds = held_out[style]
            if builds is not None:
                kw["build"] = builds[kw.get("build")]
            return module.restyle(clip, outfit=outfits[outfit], scene=scenes[scene], **kw)
        return cs.restyle(clip, outfit=outfit, scene=scene, **kw) if style == "capsule" else clip

    return dress


def _cases(style: str, quick: bool) -> list[dict]:
    """Every rendered case of one style: ``name``, ``kind`` (the test run), ``make`` (-> Clip), and what is
    expected: ``reps`` (int) and ``leg`` for a measured case, ``refused_by`` (check names) for a refusal,
    ``steps`` for walking."""
    from vision.synthetic.activities import activity_clip, walked_into
    from vision.synthetic.body import APPEARANCES, BODIES
    from vision.synthetic.camera import Imaging
    from vision.synthetic.movements import (floor_rise, hip_extension, kneeling_lunge, knee_hug_on_floor,
                                            prone_knee_bend, quadruped_kick, sit_to_stand, squat_rise, standing,
                                            thomas_test, trainer_screen, with_helper)
    from vision.synthetic.props import Helper

    im = Imaging(blur=0.5, noise=1.5)
    cap = style != "mesh"  # the capsule's cases, in the capsule style or a held-out one
    dress = dresser(style)

    out = [
        dict(name="hipext_right_near", kind="hip_extension", reps=2, leg="right",
             make=lambda: dress(hip_extension("hipext_right_near", reps=2, extension_deg=18.0, imaging=im, seed=1),
                                pole="left", camera_height=0.7)),
        dict(name="hipext_left_far", kind="hip_extension", reps=3, leg="left",
             make=lambda: dress(hip_extension("hipext_left_far", reps=3, side="left", extension_deg=14.0,
                                              body=BODIES["female"], appearance=APPEARANCES["red_top"], imaging=im,
                                              seed=2),
                                outfit="dark_on_dark", scene="dark_hall", build="stocky", pole="right",
                                camera_height=1.45)),
        dict(name="hipext_left_near_26", kind="hip_extension", reps=2, leg="left",
             make=lambda: dress(hip_extension("hipext_left_near_26", reps=2, side="left", extension_deg=26.0,
                                              compensation=1.0, camera=_cam(90.0), imaging=im, seed=3),
                                outfit="teal_tracksuit", scene="white_studio", build="long_legs", pole="right",
                                camera_height=1.2)),
        dict(name="hipext_right_12_nocomp", kind="hip_extension", reps=2, leg="right",
             make=lambda: dress(hip_extension("hipext_right_12_nocomp", reps=2, extension_deg=12.0, compensation=0.0,
                                              body=BODIES["tall_slim"], imaging=im, seed=4),
                                outfit="white_kit", scene="outdoor", build="petite", camera_height=1.0)),
        dict(name="lunge_left_back", kind="lunge", reps=1, leg="left",
             make=lambda: dress(kneeling_lunge("lunge_left_back", imaging=im, seed=5), outfit="teal_tracksuit",
                                scene="white_studio", build="long_legs", camera_height=0.8)),
        dict(name="lunge_left_back_facing_left", kind="lunge", reps=1, leg="left",
             make=lambda: dress(kneeling_lunge("lunge_left_back_facing_left", camera=_cam(90.0, target=(0.1, 0.6, 0.0)),
                                               body=BODIES["short_heavy"], imaging=im, seed=6),
                                outfit="orange_hoodie", scene="dark_hall", camera_height=1.3)),
        dict(name="sit_to_stand", kind="sit_to_stand", reps=1, leg=None,
             make=lambda: dress(sit_to_stand("sit_to_stand", imaging=im, seed=7), outfit="orange_hoodie",
                                scene="outdoor")),
        # the protocol films the tested (hanging) leg nearest the camera (the sample films it far)
        dict(name="thomas_left_hanging_near", kind="thomas", reps=1, leg="left",
             make=lambda: dress(thomas_test("thomas_left_hanging_near", camera=_cam(90.0, target=(-0.35, 0.8, 0.0),
                                                                                 height=1.1), imaging=im, seed=8),
                                outfit="white_kit", scene="outdoor")),
        dict(name="thomas_right_hanging_low", kind="thomas", reps=1, leg="right",
             make=lambda: dress(thomas_test("thomas_right_hanging_low", hanging="right", thigh_deg=-10.0, knee_deg=85.0,
                                            imaging=im, seed=9), outfit="dark_on_dark", scene="white_studio",
                                camera_height=1.3)),
        dict(name="ely_right", kind="ely", reps=1, leg="right",
             make=lambda: dress(prone_knee_bend("ely_right", imaging=im, seed=10), outfit="orange_hoodie",
                                scene="white_studio")),
        dict(name="ely_130_nolift", kind="ely", reps=1, leg="right",
             make=lambda: dress(prone_knee_bend("ely_130_nolift", max_knee=130.0, hip_lift=0.0, imaging=im, seed=11),
                                outfit="teal_tracksuit", scene="dark_hall", camera_height=1.0)),
        dict(name="ely_left_near_100", kind="ely", reps=1, leg="left",
             make=lambda: dress(prone_knee_bend("ely_left_near_100", side="left", max_knee=100.0, hip_lift=4.0,
                                                camera=_cam(90.0, target=(0.1, 0.85, 0.0), height=1.2),
                                                body=BODIES["athletic"], imaging=im, seed=24),
                                outfit="white_kit", scene="outdoor", build="long_legs")),
        dict(name="walking_fixed_camera", kind="walk", steps=True, leg=None,
             make=lambda: dress(activity_clip("walking", seconds=3.0, imaging=im, seed=12), outfit="orange_hoodie",
                                scene="outdoor")),
        dict(name="running_following_camera", kind="walk", steps=True, leg=None,
             make=lambda: dress(activity_clip("running", seconds=3.0, travel=False, imaging=im, seed=13),
                                outfit="white_kit", scene="dark_hall")),
        # refusals: another activity, the wrong view, the wrong movement, the wrong start posture
        dict(name="running_as_hip_extension", kind="hip_extension", refused_by=["activity"],
             make=lambda: dress(activity_clip("running", seconds=3.0, travel=False, imaging=im, seed=14))),
        dict(name="walking_as_hip_extension", kind="hip_extension", refused_by=["activity"],
             make=lambda: dress(activity_clip("walking", seconds=3.0, imaging=im, seed=15))),
        dict(name="front_view_hip_extension", kind="hip_extension", refused_by=["view"],
             make=lambda: dress(hip_extension("front_view_hip_extension", reps=2, camera=_cam(0.0), imaging=im,
                                              seed=16))),
        dict(name="oblique_hip_extension", kind="hip_extension", refused_by=["view"],
             make=lambda: dress(hip_extension("oblique_hip_extension", reps=2, camera=_cam(-45.0), imaging=im,
                                              seed=17))),
        dict(name="leg_lifted_forward_as_hip_extension", kind="hip_extension", refused_by=["movement"],
             make=lambda: dress(hip_extension("leg_lifted_forward", reps=2, extension_deg=-60.0, compensation=0.0,
                                              imaging=im, seed=18))),
        # a person filming themselves walks to their place first, and may walk away after (session 15)
        dict(name="hipext_walked_in", kind="hip_extension", reps=2, leg="right",
             make=lambda: dress(walked_into(hip_extension("hipext_walked_in", reps=2, extension_deg=16.0, imaging=im,
                                                          seed=41), 2.0, 1.5), camera_height=1.0)),
        dict(name="lunge_walked_in", kind="lunge", reps=1, leg="left",
             make=lambda: dress(walked_into(kneeling_lunge("lunge_walked_in", imaging=im, seed=42), 2.0))),
        dict(name="sit_to_stand_walked_in", kind="sit_to_stand", reps=1, leg=None,
             make=lambda: dress(walked_into(sit_to_stand("sit_to_stand_walked_in", imaging=im, seed=45), 2.0, 1.5))),
        dict(name="thomas_walked_in", kind="thomas", reps=1, leg="left",
             make=lambda: dress(walked_into(thomas_test("thomas_walked_in", hanging="left", thigh_deg=6.0, knee_deg=70.0,
                                                        imaging=im, seed=43), 3.0, 2.0), camera_height=1.2)),
        dict(name="ely_walked_in", kind="ely", reps=1, leg="right",
             make=lambda: dress(walked_into(prone_knee_bend("ely_walked_in", imaging=im, seed=44), 3.0, 2.0))),
        # a prone knee bend the pose model finds poorly lying (the held-out w3's set-up) walked into: counted over the
        # whole clip, the walk reached the person-found share that keeps the frames turned a quarter from being tried
        dict(name="ely_w3_walked_in", kind="ely", reps=1, leg="left",
             make=lambda: dress(walked_into(prone_knee_bend(
                 "ely_w3_walked_in", fps=30.0, side="left", max_knee=135.0, hip_lift=4.0, body=BODIES["athletic"],
                 appearance=APPEARANCES["dark_skin"], camera=_cam(88.0, target=(0.1, 0.85, 0.0), height=1.3), imaging=im,
                 seed=503), 3.0, 2.0), outfit="white_kit", scene="outdoor", build="petite")),
        dict(name="standing_still_as_hip_extension", kind="hip_extension", refused_by=["movement"],
             make=lambda: dress(standing("standing_still", duration=4.0, imaging=im, seed=19))),
        dict(name="lunge_as_hip_extension", kind="hip_extension", refused_by=["activity"],
             make=lambda: dress(kneeling_lunge("lunge_as_hip_extension", imaging=im, seed=20))),
        dict(name="hip_extension_as_lunge", kind="lunge", refused_by=["activity"],
             make=lambda: dress(hip_extension("hip_extension_as_lunge", reps=2, imaging=im, seed=21))),
        dict(name="supine_as_prone_knee_bend", kind="ely", refused_by=["position"],
             make=lambda: dress(thomas_test("supine_as_ely", imaging=im, seed=22))),
        dict(name="prone_as_thomas", kind="thomas", refused_by=["position"],
             make=lambda: dress(prone_knee_bend("prone_as_thomas", imaging=im, seed=23))),
        # another test's movement, as a user who picked the wrong test films it (session 21): the problem read first
        # says what the clip shows, not that the legs were lost (a lying knee's bend read as an upright one's)
        dict(name="prone_knee_bend_as_hip_extension", kind="hip_extension", refused_by=["activity"],
             make=lambda: dress(prone_knee_bend("prone_knee_bend_as_hip_extension", imaging=im, seed=46),
                                outfit="teal_tracksuit", scene="dark_hall")),
        dict(name="thomas_as_lunge", kind="lunge", refused_by=["activity"],
             make=lambda: dress(thomas_test("thomas_as_lunge", imaging=im, seed=47), outfit="white_kit",
                                scene="white_studio")),
        dict(name="sit_to_stand_as_hip_extension", kind="hip_extension", refused_by=["activity"],
             make=lambda: dress(sit_to_stand("sit_to_stand_as_hip_extension", imaging=im, seed=48),
                                outfit="dark_on_dark", scene="outdoor")),
        dict(name="walking_as_lunge", kind="lunge", refused_by=["activity"],
             make=lambda: dress(activity_clip("walking", seconds=3.0, imaging=im, seed=49), outfit="teal_tracksuit",
                                scene="white_studio")),
        # a trainer filming bodyweight squats as a sit-to-stand (session 22): rising from a squat held at the bottom,
        # no chair; with the far knee hidden and the thighs level, side-on squats read "sitting" and were measured
        dict(name="deep_squat_rise_as_sit_to_stand", kind="sit_to_stand", refused_by=["activity"],
             make=lambda: dress(squat_rise("deep_squat_rise_as_sit_to_stand", from_bottom=True, imaging=im, seed=50),
                                outfit="orange_hoodie", scene="outdoor")),
        dict(name="parallel_squat_rise_as_sit_to_stand", kind="sit_to_stand", refused_by=["activity"],
             make=lambda: dress(squat_rise("parallel_squat_rise_as_sit_to_stand", from_bottom=True, depth="parallel",
                                           imaging=im, seed=51), outfit="white_kit", scene="dark_hall")),
        # a hip extension on hands and knees (session 23): read "bending forward" before; for the lunge, kneeling
        dict(name="quadruped_kick_as_hip_extension", kind="hip_extension", refused_by=["activity"],
             make=lambda: dress(quadruped_kick("quadruped_kick_as_hip_extension", imaging=im, seed=53),
                                outfit="orange_hoodie", scene="dark_hall")),
        dict(name="quadruped_kick_as_lunge", kind="lunge", refused_by=["activity"],
             make=lambda: dress(quadruped_kick("quadruped_kick_as_lunge", side="left", imaging=im, seed=54),
                                outfit="white_kit", scene="outdoor")),
        # rising from a catcher's squat, heels up and trunk upright (session 23): reads sitting, but not on a seat
        dict(name="toes_squat_rise_as_sit_to_stand", kind="sit_to_stand", refused_by=["activity"],
             make=lambda: dress(squat_rise("toes_squat_rise_as_sit_to_stand", from_bottom=True, depth="toes", reps=1,
                                           imaging=im, seed=55), outfit="dark_on_dark", scene="outdoor")),
        # getting up from the floor, no chair (session 23): sitting, but not on a seat
        dict(name="floor_rise_as_sit_to_stand", kind="sit_to_stand", refused_by=["activity"],
             make=lambda: dress(floor_rise("floor_rise_as_sit_to_stand", imaging=im, seed=52), outfit="teal_tracksuit",
                                scene="white_studio")),
        # the leg taken back with the foot pulled up behind, a standing thigh stretch (session 22): the knee bent where
        # the test asks for it almost straight
        dict(name="thigh_stretch_as_hip_extension", kind="hip_extension", refused_by=["movement"],
             make=lambda: dress(hip_extension("thigh_stretch_as_hip_extension", reps=2, extension_deg=10.0,
                                              knee_deg=130.0, compensation=0.2, imaging=im, seed=54),
                                outfit="dark_on_dark", scene="white_studio")),
        # a Thomas test done on the floor at home (session 22): nothing hangs, so neither angle says anything (a thigh
        # lying flat read "above the usual range"); refused whether the other leg lies flat, bent or hugged too
        dict(name="thomas_on_the_floor", kind="thomas", refused_by=["movement"],
             make=lambda: dress(knee_hug_on_floor("thomas_on_the_floor", other="flat", imaging=im, seed=52),
                                outfit="white_kit", scene="outdoor")),
        dict(name="knee_hug_foot_down_as_thomas", kind="thomas", refused_by=["movement"],
             make=lambda: dress(knee_hug_on_floor("knee_hug_foot_down_as_thomas", hugged="left", other="bent",
                                                  camera=_cam(90.0, target=(-0.35, 0.35, 0.0), height=0.9),
                                                  imaging=im, seed=53), outfit="teal_tracksuit", scene="dark_hall")),
    ]
    # prone knee bends held out from the development of the prone-knee-bend test (other builds, clothes, sides,
    # depths, camera angles and numbers of bends; see ELY_HELD_OUT)
    for (n, side, mk, hl, body, app, az, ch, outfit, scene, build, reps, seed, fps) in ELY_HELD_OUT:
        out.append(dict(name=f"ely_held_out_{n}", kind="ely", reps=reps, leg=side, make=(
            lambda n=n, side=side, mk=mk, hl=hl, body=body, app=app, az=az, ch=ch, outfit=outfit, scene=scene,
            build=build, reps=reps, seed=seed, fps=fps: dress(prone_knee_bend(
                f"ely_held_out_{n}", fps=fps, side=side, max_knee=mk, hip_lift=hl, body=BODIES[body],
                appearance=APPEARANCES[app], camera=_cam(az, target=(0.1, 0.85, 0.0), height=ch), imaging=im,
                seed=seed, reps=reps), outfit=outfit, scene=scene, build=build))))
    for (n, side, _near, ext, comp, body, app, az, ch, outfit, scene, build, pole, reps, seed, fps) in HIPEXT_HELD_OUT:
        out.append(dict(name=f"hipext_held_out_{n}", kind="hip_extension", reps=reps, leg=side, make=(
            lambda n=n, side=side, ext=ext, comp=comp, body=body, app=app, az=az, ch=ch, outfit=outfit, scene=scene,
            build=build, pole=pole, reps=reps, seed=seed, fps=fps: dress(hip_extension(
                f"hipext_held_out_{n}", fps=fps, reps=reps, side=side, extension_deg=ext, compensation=comp,
                body=BODIES[body], appearance=APPEARANCES[app], camera=_cam(az, height=ch), imaging=im, seed=seed),
                outfit=outfit, scene=scene, build=build, pole=pole))))
    for (n, az, ch, body, app, outfit, scene, build, seed, fps) in LUNGE_HELD_OUT:
        out.append(dict(name=f"lunge_held_out_{n}", kind="lunge", reps=1, leg="left", make=(
            lambda n=n, az=az, ch=ch, body=body, app=app, outfit=outfit, scene=scene, build=build, seed=seed, fps=fps:
            dress(kneeling_lunge(f"lunge_held_out_{n}", fps=fps, body=BODIES[body], appearance=APPEARANCES[app],
                                 camera=_cam(az, target=(0.1, 0.6, 0.0), height=ch), imaging=im, seed=seed),
                  outfit=outfit, scene=scene, build=build))))
    for (n, side, th, kn, az, ch, body, app, outfit, scene, build, seed, fps) in THOMAS_HELD_OUT:
        out.append(dict(name=f"thomas_held_out_{n}", kind="thomas", reps=1, leg=side, make=(
            lambda n=n, side=side, th=th, kn=kn, az=az, ch=ch, body=body, app=app, outfit=outfit, scene=scene,
            build=build, seed=seed, fps=fps: dress(thomas_test(
                f"thomas_held_out_{n}", fps=fps, hanging=side, thigh_deg=th, knee_deg=kn, body=BODIES[body],
                appearance=APPEARANCES[app], camera=_cam(az, target=(-0.35, 0.8, 0.0), height=ch), imaging=im,
                seed=seed), outfit=outfit, scene=scene, build=build))))
    for (n, az, ch, body, app, outfit, scene, build, seed, fps) in SIT_HELD_OUT:
        out.append(dict(name=f"sit_to_stand_held_out_{n}", kind="sit_to_stand", reps=1, leg=None, make=(
            lambda n=n, az=az, ch=ch, body=body, app=app, outfit=outfit, scene=scene, build=build, seed=seed, fps=fps:
            dress(sit_to_stand(f"sit_to_stand_held_out_{n}", fps=fps, body=BODIES[body], appearance=APPEARANCES[app],
                               camera=_cam(az, target=(0.1, 0.75, 0.0), height=ch), imaging=im, seed=seed),
                  outfit=outfit, scene=scene, build=build))))
    for (n, kind, leg, az, ch, outfit, scene, build, seed) in FPS60:
        out.append(dict(name=f"fps60_{n}", kind=kind, reps=2 if kind == "hip_extension" else 1, leg=leg, make=(
            lambda n=n, kind=kind, leg=leg, az=az, ch=ch, outfit=outfit, scene=scene, build=build, seed=seed: dress(
                _test_clip(f"fps60_{n}", kind, leg, az, ch, im, seed), outfit=outfit, scene=scene, build=build))))
    for (n, sides, degs, az, ch, outfit, scene, build, seed) in BOTH_LEGS:
        near = "right" if az < 0 else "left"
        out.append(dict(name=f"hipext_both_legs_{n}", kind="hip_extension", reps=sides.count(near), leg=near,
                        other_leg=len(sides) - sides.count(near), make=(
            lambda n=n, sides=sides, degs=degs, az=az, ch=ch, outfit=outfit, scene=scene, build=build, seed=seed: dress(
                hip_extension(f"hipext_both_legs_{n}", sides=sides, extension_degs=degs, compensation=0.3,
                              camera=_cam(az, height=ch), imaging=im, seed=seed),
                outfit=outfit, scene=scene, build=build))))
    for (n, kind, legs, readings, seed) in BOTH_LEGS_LYING:
        out.append(dict(name=f"both_legs_{n}", kind=kind, legs_in_turn=dict(zip(legs, readings)), make=(
            lambda n=n, kind=kind, legs=legs, readings=readings, seed=seed: dress(
                _lying_in_turn(f"both_legs_{n}", kind, legs, readings, im, seed)))))
    phone = Imaging(**PHONE_IMAGING)
    for (n, kind, leg, az, ch, outfit, scene, build, seed) in PHONE:
        out.append(dict(name=f"phone_{n}", kind=kind, reps=2 if kind == "hip_extension" else 1, leg=leg, make=(
            lambda n=n, kind=kind, leg=leg, az=az, ch=ch, outfit=outfit, scene=scene, build=build, seed=seed: dress(
                _test_clip(f"phone_{n}", kind, leg, az, ch, phone, seed, fps=30.0, distance=PHONE_DISTANCE),
                outfit=outfit, scene=scene, build=build, imaging=phone, camera_distance=PHONE_DISTANCE))))
    portrait = Imaging(**PORTRAIT_IMAGING)
    for (n, kind, leg, az, ch, outfit, scene, seed) in PORTRAIT:
        out.append(dict(name=f"portrait_{n}", kind=kind, reps=2 if kind == "hip_extension" else 1, leg=leg, make=(
            lambda n=n, kind=kind, leg=leg, az=az, ch=ch, outfit=outfit, scene=scene, seed=seed: dress(
                _test_clip(f"portrait_{n}", kind, leg, az, ch, portrait, seed, fps=30.0, **PORTRAIT_PICTURE),
                outfit=outfit, scene=scene))))
    for (n, kind, leg, az, picture, fps, outfit, scene, seed, refused) in CAMERAS:
        expect = dict(refused_by=refused) if refused else dict(reps=2 if kind == "hip_extension" else 1, leg=leg)
        picture = dict(picture)
        distance = picture.pop("distance", CAMERAS_CLOSE if refused else 3.0)
        out.append(dict(name=f"camera_{n}", kind=kind, **expect, handheld=picture.pop("handheld", False), make=(
            lambda n=n, kind=kind, leg=leg, az=az, picture=picture, fps=fps, outfit=outfit, scene=scene, seed=seed,
            distance=distance: dress(
                _test_clip(f"camera_{n}", kind, leg, az, 1.0, im, seed, fps=fps, distance=distance, **picture),
                outfit=outfit, scene=scene))))
    # the lying tests' set-ups have a helper beside the table (analysis.people: expected, not a second subject)
    out += [dict(name="ely_with_helper", kind="ely", reps=1, leg="right",
                 make=lambda: dress(with_helper(prone_knee_bend("ely_with_helper", imaging=im, seed=26),
                                                Helper(x=-1.3, z=-0.2, arms_forward=50.0, appearance="red_top")),
                                    outfit="teal_tracksuit", scene="white_studio")),
            dict(name="thomas_with_helper", kind="thomas", reps=1, leg="left",
                 make=lambda: dress(with_helper(thomas_test("thomas_with_helper", camera=_cam(
                     90.0, target=(-0.35, 0.8, 0.0), height=1.1), imaging=im, seed=27), Helper(x=-0.6, z=0.8)),
                                    outfit="white_kit", scene="outdoor"))]
    if cap:
        out.insert(4, dict(name="trainer_screen", kind="hip_extension", reps=4, leg="right", people_in_turn=True,
                           make=lambda: dress(trainer_screen("trainer_screen", imaging=im, seed=25),
                                              scene="white_studio", outfit="teal_tracksuit", pole="left")))
    else:
        # the sample media themselves (the clips the tests and thresholds were developed on)
        out = [dict(name="sample:hip_extension", kind="hip_extension", reps=2, leg="right", sample="hip_extension"),
               dict(name="sample:kneeling_lunge", kind="lunge", reps=1, leg="left", sample="kneeling_lunge"),
               dict(name="sample:sit_to_stand", kind="sit_to_stand", reps=1, leg=None, sample="sit_to_stand"),
               dict(name="sample:thomas_test", kind="thomas", reps=1, leg="left", sample="thomas_test"),
               dict(name="sample:prone_knee_bend", kind="ely", reps=1, leg="left", sample="prone_knee_bend"),
               dict(name="sample:trainer_screen", kind="hip_extension", reps=4, leg="right", sample="trainer_screen",
                    people_in_turn=True),
               ] + out
    if quick:
        keep = {"hipext_right_near", "hipext_left_far", "lunge_left_back", "thomas_left_hanging_near", "ely_right",
                "running_following_camera", "running_as_hip_extension", "front_view_hip_extension"}
        out = [c for c in out if c["name"] in keep]
    return out


# ----------------------------------------------------------------------------------------------------
# comparison
# ----------------------------------------------------------------------------------------------------
def _peak_truth(kind: str, ref_rows: list[dict], truth: dict, meas: dict, tt: dict, side: str | None) -> list[dict]:
    """Truth per measured repetition: thigh behind vertical and hip extension of the leg ``side`` from the true 2D
    landmarks at their largest over the repetition's span (hip extension, lunge), else the same analysis on the
    true landmarks (Thomas, prone knee bend, sit-to-stand)."""
    out = []
    if kind in THIGH_BACK:
        fc = meas.get("facing") or 1
        ser = leg_series(tt["pixels"], side, fc)
        tbv = ser["thigh_behind_vertical"]
        lean = trunk_lean(tt["pixels"], fc)
        for r in meas.get("repetitions", []):
            ph = r["phases"]
            span = np.arange(ph["start"], ph["end"] + 1)
            j = span[int(np.nanargmax(tbv[span]))]
            a = truth["frames"][j]["angles_body"]
            # the test's definition: behind the trunk line as it stood just before the repetition
            added = lean[j] - np.median(lean[max(0, ph["start"] - 2):ph["start"] + 1])
            out.append({"thigh_behind_vertical": float(tbv[j]), "hip_extension": float(tbv[j] - added),
                        "trunk_lean_added": float(added), "thigh_behind_vertical_3d": -a[f"hip_flexion_{side}"]})
        return out
    for r in ref_rows:
        out.append({k: v["value"] for k, v in r["metrics"].items()})
    return out


QUANTITIES = {"hip_extension": ("thigh_behind_vertical", "hip_extension"),
              "lunge": ("thigh_behind_vertical", "hip_extension"),
              "thomas": ("thigh_above_horizontal", "knee_flexion"),
              "ely": ("max_knee_flexion",),
              "sit_to_stand": ("hip_extension_at_stand", "trunk_lean_at_lift_off", "time_to_stand")}


def people_in_turn(kind: str, timestamps, pixels, visibility, **arrays_and_options) -> dict:
    """The test run person by person, as a trainer's screen of several people in turn is read
    (:func:`capture.analyze.movement_results` with ``people_in_turn``: the track cut by
    :func:`analysis.people_in_turn.split_people`), merged into one result to score: every person's repetitions, their
    phases in the clip's frames; ``ok`` when every person's test passed its gates; each check from the first person
    whose check failed, else the first person's; the other leg's repetitions left out summed; the leg certain and
    out of doubt only when it is for everyone. ``arrays_and_options``: per-frame arrays (``outline``, ``world``,
    ``landmarks``, ``image_size``; None allowed) and :func:`run_movement_test`'s options."""
    t = np.asarray(timestamps)
    per_frame = {k for k, v in arrays_and_options.items() if isinstance(v, np.ndarray) and len(v) == len(t)}
    parts = []
    for a, b in split_people(pixels, t) or [(0, len(t))]:
        r = run_movement_test(kind, t[a:b], pixels[a:b], visibility[a:b],
                              **{k: v[a:b] if k in per_frame else v for k, v in arrays_and_options.items()})
        for rep in r.get("repetitions") or []:
            rep["phases"] = {k: v + a if k in ("start", "peak", "end", "hold_start", "hold_end") and v is not None
                             else v for k, v in rep["phases"].items()}
        r["no_number_after_refusal"] = no_number_after_refusal(r)
        parts.append(r)
    names = dict.fromkeys(c["name"] for r in parts for c in r["checks"])
    checks = [next((c for r in parts for c in r["checks"] if c["name"] == n and not c["passed"]),
                   next(c for r in parts for c in r["checks"] if c["name"] == n)) for n in names]
    other = next((c for c in checks if c["name"] == "other_leg"), None)
    if other is not None:
        other["value"] = sum(c["value"] or 0 for r in parts for c in r["checks"] if c["name"] == "other_leg")
    return {**parts[0], "ok": all(r["ok"] for r in parts), "checks": checks,
            "repetitions": [rep for r in parts for rep in r.get("repetitions") or []],
            "side": parts[0].get("side") if len({r.get("side") for r in parts}) == 1 else None,
            "leg_certain": all(r.get("leg_certain") is not False for r in parts),
            "leg_in_doubt": any(r.get("leg_in_doubt") for r in parts),
            "leg_note": next((r["leg_note"] for r in parts if r.get("leg_note")), None),
            "no_number_after_refusal": all(r["no_number_after_refusal"] for r in parts), "people": len(parts)}


def no_number_after_refusal(res: dict) -> bool:
    """True when a refused result presents no metric value, in its JSON or its text."""
    if res["ok"]:
        return True
    if "no_number_after_refusal" in res:  # several people in turn: each one's (people_in_turn)
        return res["no_number_after_refusal"]
    found = [m["value"] for m in presented_metrics(res)]
    lines = format_movement(res).splitlines()
    # what a measurement looks like in the text: a repetition's or step's line, a best value, a usual range
    shown = [x for x in lines if re.match(r"\s+(repetition|step) \d+ \(", x) or ", best:" in x or "(usual " in x]
    return all(v is None for v in found) and not shown


def evaluate_case(case: dict, style: str, tmp: Path, cache: Path | None) -> dict:
    """One rendered case (see :func:`_cases`) rendered, tracked and measured, against its truth: a row for the
    report. The truth of a Thomas test is read against the table edge the capture found, or against
    ``case["true_table_edge"]`` (degrees in the picture) when the case knows it (a camera rolled on purpose)."""
    from vision.synthetic.media_io import write_clip

    t0 = time.time()
    if case.get("sample"):
        path = SAMPLES / f"{case['sample']}.mp4"
        truth = json.loads(path.with_suffix(".json").read_text())
        d = cached_track(f"{style}__{case['name'].replace(':', '_')}", lambda: path, cache, case["kind"])
    else:
        key = f"{style}__{case['name']}"
        tfile = None if cache is None else cache / f"{key}.truth.json"
        if tfile is not None and tfile.exists() and (cache / f"{key}.npz").exists():
            truth = json.loads(tfile.read_text())
        else:
            path = tmp / f"{key}.mp4"
            truth = write_clip(path, case["make"](), handheld=case.get("handheld", False))
            if tfile is not None:
                tfile.parent.mkdir(parents=True, exist_ok=True)
                tfile.write_text(json.dumps(truth))
        d = cached_track(key, lambda: tmp / f"{key}.mp4", cache, case["kind"])
    kind = case["kind"]
    # a track cached before they were kept has none
    edge = float(d["table_edge"]) if "table_edge" in d else None
    scene = float(d["scene_level"]) if "scene_level" in d else None
    res = (people_in_turn if case.get("people_in_turn") else run_movement_test)(
        kind, d["timestamps"], d["pixels"], d["visibility"], outline=d["outline"], world=d["world"],
        landmarks=d["landmarks"], image_size=d["image_size"], table_edge=edge, scene_level=scene)
    person = person_check(d, kind)
    if person is not None:  # the capture step's check before any test (capture.analyze)
        gate_result(res, person, {"repetitions": [], "steps": [], "summary": {}})
    row = {"style": style, "case": case["name"], "kind": kind, "ok": res["ok"], "side": res.get("side"),
           "leg": res.get("leg"), "source": res.get("thigh_source"),
           "failed": [c["name"] for c in res["checks"] if c["blocking"] and not c["passed"]],
           "reasons": [c["reason"] for c in res["checks"] if c["blocking"] and not c["passed"]],
           "no_number_after_refusal": no_number_after_refusal(res), "seconds": round(time.time() - t0, 1),
           "camera_level": next((c["reason"] for c in res["checks"] if c["name"] == "camera_level"), None)}
    if "legs_in_turn" in case:  # both legs lying in turn: refused, or every reading given nearer the named leg's
        key = "thigh_above_horizontal" if kind == "thomas" else "max_knee_flexion"
        truth_of = case["legs_in_turn"]
        given = [(r.get("side"), ((r.get("metrics") or {}).get(key) or {}).get("value"))
                 for r in res.get("repetitions") or []]
        given = [(side, v) for side, v in given if v is not None and side in truth_of]
        wrong = [f"{side} {v:.1f}" for side, v in given
                 if abs(v - truth_of[side]) > min(abs(v - t) for t in truth_of.values())]
        first = (blocking_failure(res["checks"]) or {}).get("name")
        row.update(expect="no reading under the wrong leg's name (or refused by repeat)", first=first,
                   given=[f"{side} {v:.1f}" for side, v in given], wrong=wrong)
        row["pass"] = (not res["ok"] and first == "repeat" and row["no_number_after_refusal"]) or \
            (res["ok"] and not wrong)
        return row
    if "refused_by" in case:
        row["expect"] = "refused by " + "/".join(case["refused_by"])
        # the failure the user reads first (the one that explains the others) must be one of those expected
        row["first"] = (blocking_failure(res["checks"]) or {}).get("name")
        row["pass"] = (not res["ok"]) and row["first"] in case["refused_by"] and row["no_number_after_refusal"]
        return row
    if case.get("steps"):
        tt = true_track(truth)
        ref = run_movement_test("walk", tt["timestamps"], tt["pixels"], tt["visibility"], facing=res.get("facing") or 1,
                                checks=False)
        # each measured step against the truth's step of the same leg within a frame of it: the thigh at toe-off
        # and at its furthest back before it (the value the test summarises)
        errs = {"thigh_behind_vertical": [], "peak_thigh_behind_vertical": []}
        for s in res.get("steps", []):
            near = [r for r in ref["steps"] if abs(r["frame"] - s["frame"]) <= 1 and r["side"] == s["side"]]
            for q, e in errs.items():
                v = (s.get("metrics") or {}).get(q, {}).get("value")
                truth_v = next((r["metrics"][q]["value"] for r in near if r["metrics"][q]["value"] is not None), None)
                if v is not None and truth_v is not None:
                    e.append(abs(v - truth_v))
        row.update(expect="steps measured", steps=len(res.get("steps", [])),
                   measured=sum(1 for s in res.get("steps", []) if not s.get("excluded")),
                   toe_off_errors=[round(e, 2) for e in errs["thigh_behind_vertical"]],
                   peak_errors=[round(e, 2) for e in errs["peak_thigh_behind_vertical"]],
                   excluded=sorted({s["excluded"] for s in res.get("steps", []) if s.get("excluded")}))
        row["pass"] = res["ok"] and row["measured"] >= 2
        return row
    tt = true_track(truth)
    # the truth of the leg named; where the result says which leg moved is not certain, or that its name is in
    # doubt (warnings: leg_in_doubt), its numbers are the moving leg's whatever its name, and are compared with
    # that leg's truth (the name is counted apart, a miss)
    doubt = res.get("leg_certain") is False or bool(res.get("leg_in_doubt"))
    # (no side: a refusal before any leg was named; its repetitions, if any, are the tested leg's)
    named = case.get("leg") if (doubt or not res.get("side")) and case.get("leg") else res.get("side")
    ref = run_movement_test(kind, tt["timestamps"], tt["pixels"], tt["visibility"], side=named,
                            facing=res.get("facing") or None, table_edge=case.get("true_table_edge", edge),
                            checks=False)
    reps = res.get("repetitions", [])
    truths = _peak_truth(kind, ref.get("repetitions", []), truth, res, tt, named)
    rows = []
    for k, r in enumerate(reps):
        tr = truths[k] if k < len(truths) else {}
        cells = {}
        for q in QUANTITIES.get(kind, ()):
            m = (r.get("metrics") or {}).get(q) or {}
            v, tv = m.get("value"), tr.get(q)
            cells[q] = {"measured": None if v is None else round(v, 2), "truth": None if tv is None else round(tv, 2),
                        "error": None if (v is None or tv is None) else round(v - tv, 2),
                        "at_least": (m.get("extra") or {}).get("at_least_deg")}
        if "thigh_behind_vertical_3d" in tr:
            cells["thigh_behind_vertical_3d"] = round(tr["thigh_behind_vertical_3d"], 2)
        comp = r.get("compensation") or {}
        if "trunk_lean_added" in tr and comp.get("shoulders_lean_change_deg") is not None:
            # the trunk's lean added at the peak (taken off the thigh's angle for the hip extension): as used, and
            # each of its two readings (the shoulders' line, the hip -> ears line)
            cells["trunk_lean_added"] = {
                k: None if v is None or not np.isfinite(v) else round(float(v), 2)
                for k, v in (("measured", comp.get("trunk_lean_change_deg")), ("truth", tr["trunk_lean_added"]),
                             ("shoulders", comp["shoulders_lean_change_deg"]), ("head", comp["head_lean_change_deg"]))}
            c = cells["trunk_lean_added"]
            known = c["measured"] is not None and c["truth"] is not None
            c.update(error=round(c["measured"] - c["truth"], 2) if known else None, at_least=None)
        rows.append(cells)
    # another leg's repetitions left out (a clip of both legs in turn): as many as the case has, none in the others
    other = next((c["value"] for c in res["checks"] if c["name"] == "other_leg"), 0)
    row.update(expect=f"{case['reps']} repetition(s)" + (f", {case['leg']} leg" if case.get("leg") else "")
               + (f", {case['other_leg']} of the other leg left out" if case.get("other_leg") else ""),
               reps=len(reps), reps_truth=case["reps"], rows=rows, other_leg=other,
               other_leg_truth=case.get("other_leg", 0),
               leg_right=(case.get("leg") is None or res.get("side") == case["leg"]),
               leg_uncertain=res.get("leg_certain") is False, leg_in_doubt=bool(res.get("leg_in_doubt")),
               leg_from_set_up=bool(res.get("leg_note")))
    row["pass"] = (res["ok"] and row["reps"] == case["reps"] and row["leg_right"] and not row["leg_uncertain"]
                   and other == row["other_leg_truth"])
    return row


def error_table(rows: list[dict]) -> dict:
    """Median and worst absolute peak error per style and quantity, and the floors."""
    tab: dict = {}
    for r in rows:
        for cells in r.get("rows", []):
            for q, c in cells.items():
                if isinstance(c, dict) and c.get("error") is not None:
                    tab.setdefault((r["style"], r["kind"], q), []).append(abs(c["error"]))
        for q in ("peak_errors", "toe_off_errors"):  # a walk's steps
            tab.setdefault((r["style"], r["kind"], q[:-7]), []).extend(r.get(q) or [])
    tab = {k: e for k, e in tab.items() if e}
    out = {}
    for (style, kind, q), e in sorted(tab.items()):
        out[f"{style}:{kind}:{q}"] = {"n": len(e), "median": round(float(np.median(e)), 2),
                                      "worst": round(float(np.max(e)), 2)}
    return out


def lean_bias(rows: list[dict]) -> None:
    """Print, per style, the signed error of the trunk's lean added at the peaks of the hip extensions and lunges
    (+ = read further forward than the truth): as used (:func:`analysis.movement.series.agreed_lean`) and from each
    of its two readings alone; median [10th, 90th percentile] and worst |error|, degrees."""
    by: dict = {}
    for r in rows:
        for cells in r.get("rows", []):
            c = cells.get("trunk_lean_added")
            if c and c.get("truth") is not None:
                for k in ("measured", "shoulders", "head"):
                    if c.get(k) is not None:
                        by.setdefault((r["style"], k), []).append(c[k] - c["truth"])
    if not by:
        return
    print("\n== Trunk lean added at the peaks, signed error (deg, + = read further forward): as used / the "
          "shoulders' line alone / the hip -> ears line alone, median [10th, 90th] worst")
    for style in sorted({s for s, _ in by}):
        print(f"  {style:10s} " + "  ".join(
            f"{np.median(e):+.2f} [{np.percentile(e, 10):+.1f}, {np.percentile(e, 90):+.1f}] {np.max(np.abs(e)):.1f}"
            for k in ("measured", "shoulders", "head") if (e := np.asarray(by.get((style, k), []))).size)
            + f"  (n {len(by.get((style, 'measured'), []))})")


def bound_above_truth(cell: dict) -> bool:
    """True when a repetition's cell gives a lower bound ("at least") more than :data:`BOUND_SLACK_DEG` above its
    truth: a broken promise."""
    return cell.get("at_least") is not None and cell.get("truth") is not None \
        and cell["at_least"] > cell["truth"] + BOUND_SLACK_DEG


def leg_naming(row: dict) -> str:
    """How a case's result named its leg when the name may be wrong: ``"warned"`` (the result says the name is in
    doubt or which leg moved is not certain), ``"from set-up"`` (it says it named the leg from the set-up), or
    ``"unwarned"``."""
    if row.get("leg_in_doubt") or row.get("leg_uncertain"):
        return "warned"
    return "from set-up" if row.get("leg_from_set_up") else "unwarned"


def failure_kinds(rows: list[dict]) -> dict[str, dict]:
    """Per style, what the user was given where a rendered case did not pass, sorted from harmless to harmful:
    ``refused`` (a blocking check failed, its name first: a reason instead of a number), ``count`` (measured, the
    repetitions miscounted), ``leg`` (measured under the other leg's name: ``from set-up`` when the result says it named
    the leg from the set-up, ``warned`` when it says the name is in doubt or not certain, else ``unwarned``), and over
    every case, passed or not, ``wrong_numbers``: values given as results further from the truth than
    :data:`WRONG_NUMBER`, and lower bounds more than :data:`BOUND_SLACK_DEG` above it."""
    out: dict[str, dict] = {}
    for r in rows:
        k = out.setdefault(r["style"], {"cases": 0, "passed": 0, "refused": {}, "count": [], "leg": {},
                                        "wrong_numbers": []})
        k["cases"] += 1
        k["passed"] += bool(r["pass"])
        if not r["pass"] and r.get("failed"):
            k["refused"][r["failed"][0]] = k["refused"].get(r["failed"][0], 0) + 1
        elif not r["pass"] and "reps" in r:
            if r["reps"] != r["reps_truth"]:
                k["count"].append(f"{r['case']} {r['reps']}/{r['reps_truth']}")
            if not r["leg_right"] or r["leg_uncertain"]:
                k["leg"].setdefault(leg_naming(r), []).append(r["case"])
        limit = WRONG_NUMBER.get(r["kind"])
        for n, cells in enumerate(r.get("rows") or [], 1):
            for q, c in cells.items():
                if not isinstance(c, dict) or c.get("truth") is None or q == "trunk_lean_added":
                    continue
                if limit is not None and c.get("error") is not None and abs(c["error"]) > limit:
                    k["wrong_numbers"].append(f"{r['case']} rep {n} {q} {c['measured']} for {c['truth']}")
                if bound_above_truth(c):
                    k["wrong_numbers"].append(f"{r['case']} rep {n} {q} at least {c['at_least']} for {c['truth']}")
    return out


def floors(rows: list[dict], table: dict) -> list[tuple[str, bool, str]]:
    """Each floor of issue 15 per style: (what, met, figures)."""
    res = []
    for style in sorted({r["style"] for r in rows}):
        mine = [r for r in rows if r["style"] == style]
        meas = [r for r in mine if "reps" in r]
        bad = [f"{r['case']} {r['reps']}/{r['reps_truth']}" for r in meas if r["reps"] != r["reps_truth"]]
        res.append((f"{style}: repetitions counted exactly", not bad, ", ".join(bad) or f"{len(meas)} clips"))
        wrong = [f"{r['case']} said {r['side']}" + {"warned": " (warned: name in doubt)",
                                                    "from set-up": " (named from the set-up)"}.get(leg_naming(r), "")
                 for r in meas if not r["leg_right"] and not r["leg_uncertain"]]
        unsure = [r["case"] for r in meas if r["leg_uncertain"]]
        mixed = [f"{r['case']} {r.get('other_leg', 0)} left out (of {r.get('other_leg_truth', 0)})" for r in meas
                 if r.get("other_leg", 0) != r.get("other_leg_truth", 0)]
        res.append((f"{style}: another leg's repetitions never given to the tested leg (both legs in one clip)",
                    not mixed, ", ".join(mixed) or "all"))
        res.append((f"{style}: moving leg named right every time", not wrong and not unsure,
                    ", ".join(wrong) or (f"all named, except not certain: {', '.join(unsure)}" if unsure else "all")))
        for kind in ("hip_extension", "lunge"):
            for q in ("thigh_behind_vertical", "hip_extension"):
                t = table.get(f"{style}:{kind}:{q}")
                if t:
                    ok = t["median"] <= FLOORS["peak_median"] and t["worst"] <= FLOORS["peak_worst"]
                    res.append((f"{style}: {kind} {q} within 3 median / 5 worst", ok,
                                f"median {t['median']}, worst {t['worst']} (n={t['n']})"))
                unmeasured = [r["case"] for r in meas if r["kind"] == kind and any(
                    c.get(q, {}).get("measured") is None for c in r["rows"])]
                if unmeasured:
                    res.append((f"{style}: {kind} {q} measured at every peak", False, ", ".join(unmeasured)))
        # a peak not measured may be given as a lower bound: it must not lie above the truth (beyond the pose
        # model's reading noise, BOUND_SLACK_DEG)
        bounds = [(r["case"], k, q, c) for r in meas for k, cells in enumerate(r["rows"]) for q, c in cells.items()
                  if isinstance(c, dict) and c.get("at_least") is not None]
        over = [f"{case} rep {k + 1} {q} at least {c['at_least']} (truth {c['truth']})" for case, k, q, c in bounds
                if bound_above_truth(c)]
        res.append((f"{style}: every lower bound at most {BOUND_SLACK_DEG:g} deg above the truth", not over,
                    "; ".join(over) or f"{len(bounds)} bounds"))
        for kind, qs in (("thomas", ("thigh_above_horizontal", "knee_flexion")), ("ely", ("max_knee_flexion",))):
            for q in qs:
                t = table.get(f"{style}:{kind}:{q}")
                if t:
                    res.append((f"{style}: {kind} {q} within 3 median", t["median"] <= FLOORS["lying_median"],
                                f"median {t['median']}, worst {t['worst']} (n={t['n']})"))
        lying = [r for r in mine if "given" in r]
        if lying:
            res.append((f"{style}: both legs lying in turn refused, or no reading under the wrong leg's name",
                        all(r["pass"] for r in lying), ", ".join(r["case"] for r in lying if not r["pass"])
                        or f"{len(lying)} clips"))
        refusals = [r for r in mine if r.get("expect", "").startswith("refused")]
        missed = [r["case"] for r in refusals if not r["pass"]]
        res.append((f"{style}: every wrong activity, view, movement or start refused", not missed,
                    ", ".join(missed) or f"{len(refusals)} refusals"))
    return res


# ----------------------------------------------------------------------------------------------------
# real clips
# ----------------------------------------------------------------------------------------------------
def real_verdicts(cache: Path | None) -> list[dict]:
    """Every (clip, test) of the manifest: the verdict against the expected one."""
    out = []
    for clip in tomllib.loads(MANIFEST.read_text())["clip"]:
        path = SHARED / clip["file"]
        out += real_verdict(f"real__{path.name}", lambda path=path: path, cache, clip["test"], path.name)
    return out


def real_verdict(key: str, path_fn, cache: Path | None, expected: list[dict], name: str) -> list[dict]:
    """One real clip (``path_fn()``, tracked once and kept in ``cache/key.npz``) through the tests of ``expected``
    (the manifest's ``[[clip.test]]`` tables): each verdict against the expected one."""
    d = cached_track(key, path_fn, cache)
    out = []
    for exp in expected:
        res = run_movement_test(exp["test"], d["timestamps"], d["pixels"], d["visibility"], outline=d["outline"],
                                world=d["world"], landmarks=d["landmarks"], image_size=d["image_size"])
        person = person_check(d, exp["test"])
        if person is not None:  # the capture's check on what the people probes saw, as in posture analyze
            gate_result(res, person, {"repetitions": [], "steps": [], "summary": {}})
        failed = [c["name"] for c in res["checks"] if c["blocking"] and not c["passed"]]
        # a track cached before the probes were kept: any second person seen stands for the capture's refusal
        people = person is None and len(d.get("several_people_at", [])) > 0
        if people:
            failed = ["person"] + failed
        ok = res["ok"] and not people
        row = {"clip": name, "test": exp["test"], "expect": exp["verdict"], "ok": ok, "failed": failed,
               "reasons": [c["reason"] for c in res["checks"] if c["blocking"] and not c["passed"]],
               "side": res.get("side"), "near_side": res.get("near_side"),
               "want": ", ".join(f"{k} {exp[k]}" for k in ("side", "near_side") if k in exp),
               "no_number_after_refusal": no_number_after_refusal(res) if not people else True}
        if exp["verdict"] == "measured":
            row["pass"] = ok and all(res.get(k) == exp[k] for k in ("side", "near_side") if k in exp)
            reps = res.get("repetitions") or [s for s in res.get("steps", []) if not s.get("excluded")]
            row["measured"] = len(reps)
        else:
            row["first"] = "person" if people else (blocking_failure(res["checks"]) or {}).get("name")
            row["pass"] = (not ok) and (not exp.get("because") or bool(set(exp["because"]) & set(failed))) \
                and row["no_number_after_refusal"] and exp.get("first", row["first"]) == row["first"]
        out.append(row)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a few cases per style")
    ap.add_argument("--style", choices=STYLES, action="append", help="only this style (repeatable)")
    ap.add_argument("--no-real", action="store_true", help="skip the real clips")
    ap.add_argument("--no-rendered", action="store_true", help="only the real clips")
    ap.add_argument("--only", help="only cases whose name contains this")
    ap.add_argument("--cache", type=Path, help="keep tracked landmarks here between runs")
    ap.add_argument("--json", type=Path, help="write all results here")
    a = ap.parse_args(argv)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for style in ([] if a.no_rendered else (a.style or STYLES)):
            print(f"\n== {style} style")
            for case in _cases(style, a.quick):
                if a.only and a.only not in case["name"]:
                    continue
                r = evaluate_case(case, style, Path(tmp), a.cache)
                rows.append(r)
                head = f"  [{'pass' if r['pass'] else 'FAIL'}] {r['case']} ({r['kind']}): expected {r['expect']}; "
                if "reps" in r:
                    print(head + f"{r['reps']} repetition(s), {r['side']} leg, source {r['source']}, ok {r['ok']}"
                          + (f", {r['other_leg']} of the other leg left out" if r.get("other_leg") else "")
                          + (f", refused by {r['failed']}: {r['reasons']}" if r["failed"] else ""))
                    for k, cells in enumerate(r["rows"], 1):
                        print("      rep", k, "; ".join(f"{q} {c['measured']} (truth {c['truth']}, err {c['error']}"
                                                    + (f", at least {c['at_least']}" if c.get("at_least") else "") + ")"
                                                    for q, c in cells.items() if isinstance(c, dict))
                              + (f"; 3D {cells['thigh_behind_vertical_3d']}" if "thigh_behind_vertical_3d" in cells
                                 else ""))
                elif "steps" in r:
                    print(head + f"{r['measured']}/{r['steps']} steps measured, peak errors {r['peak_errors']}, "
                                 f"toe-off errors {r['toe_off_errors']}"
                          + (f"; excluded: {r['excluded']}" if r["excluded"] else "")
                          + (f"; refused by {r['failed']}: {r['reasons']}" if r["failed"] else ""))
                elif "given" in r:
                    print(head + (f"refused by {r['failed']} (read first: {r['first']}): {r['reasons']}" if r["failed"]
                                  else f"measured: {r['given']}" + (f"; under the wrong leg: {r['wrong']}"
                                                                    if r["wrong"] else "")))
                else:
                    print(head + (f"refused by {r['failed']} (read first: {r['first']}): {r['reasons']}" if r["failed"]
                                  else "MEASURED")
                          + ("" if r["no_number_after_refusal"] else "; a number was shown after the refusal"))
    table = error_table(rows)
    met = floors(rows, table) if rows else []
    kinds = failure_kinds(rows)
    if rows:
        print("\n== Peak error against the truth on the true 2D landmarks, per style (deg; time_to_stand s)")
        print(f"  {'style:test:quantity':55s} {'n':>3s} {'median':>7s} {'worst':>7s}")
        for k, v in table.items():
            print(f"  {k:55s} {v['n']:3d} {v['median']:7.2f} {v['worst']:7.2f}")
        lean_bias(rows)
        print("\n== What a case that did not pass gave, per style: refused (first check), repetitions miscounted, "
              "the other leg named; and wrong numbers given as results in any case (deg)")
        for style, k in kinds.items():
            print(f"  {style:10s} {k['passed']}/{k['cases']} passed; refused {sum(k['refused'].values())} "
                  f"{k['refused'] or ''}; miscounted {len(k['count'])}; other leg named "
                  f"{sum(map(len, k['leg'].values()))} {({w: len(c) for w, c in k['leg'].items()}) or ''}; "
                  f"wrong numbers {len(k['wrong_numbers'])}")
            for w in k["wrong_numbers"]:
                print(f"      wrong number: {w}")
        print("\n== Floors (issue 15)")
        for what, ok, fig in met:
            print(f"  [{'met' if ok else 'MISSED'}] {what}: {fig}")
    real = []
    if not a.no_real and SHARED.is_dir():
        print(f"\n== Real clips ({MANIFEST.name})")
        real = real_verdicts(a.cache)
        for r in real:
            what = "measured" if r["ok"] else f"refused by {r['failed']} (read first: {r.get('first')}): {r['reasons']}"
            print(f"  [{'pass' if r['pass'] else 'FAIL'}] {r['clip']} as {r['test']}: expected {r['expect']}; {what}"
                  + (f" ({r.get('measured')} measured, side {r['side']}, near side {r['near_side']})"
                     if r["ok"] else "")
                  + ("" if r["no_number_after_refusal"] else "; A NUMBER WAS SHOWN AFTER THE REFUSAL"))
    elif not a.no_real:
        print(f"\n(real clips skipped: {SHARED} is absent)")
    if a.json:
        a.json.write_text(json.dumps({"rendered": rows, "errors": table, "floors": met, "real": real,
                                      "failure_kinds": kinds}, indent=1, default=str))
    bad = [w for w, ok, _ in met if not ok] + [f"{r['clip']} {r['test']}" for r in real if not r["pass"]] \
        + [f"{r['style']} {r['case']}" for r in rows if not r["pass"]]
    if bad:
        print("\nNot met: " + "; ".join(bad))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
