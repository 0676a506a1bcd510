"""Setup guidance for each movement test.

:data:`PROTOCOLS` holds, per test, where to put the camera, which side to film, what the person does
and what the clip must show (plain data, for the app, the CLI and a printed sheet). The checks that a
clip shows what the test needs are in :mod:`analysis.movement.checks`.
"""

from __future__ import annotations

_SIDE_CAMERA = ("Camera at hip height, 2.5-4 m away, square to the side of the body (the lens pointing "
                "straight at the hip), landscape; the whole body, head to feet, in the picture; level camera.")

PROTOCOLS: dict[str, dict] = {
    "hip_extension": {
        "name": "Standing hip extension",
        "view": "side", "position": "standing",
        "camera": _SIDE_CAMERA,
        "side_to_film": "The side of the leg being tested (that leg nearest the camera).",
        "person": ["Stand side-on, hold a chair back or wall with the far hand for balance.",
                   "Keep the trunk upright and the tested knee almost straight.",
                   "Swing the near leg slowly back as far as it goes without arching the back, pause 1 s, return.",
                   "Do 3 repetitions; then turn round and film the other leg in a clip of its own."],
        "needs": ["side view", "whole body", "at least one repetition of 5 degrees or more"],
    },
    "lunge": {
        "name": "Half-kneeling lunge (hip-flexor stretch)",
        "view": "side", "position": "kneeling",
        "camera": _SIDE_CAMERA.replace("hip height", "knee-to-hip height"),
        "side_to_film": "The side of the back (kneeling) leg, nearest the camera.",
        "person": ["Kneel on the tested knee (a cushion under it), the other foot flat in front.",
                   "Keep the trunk upright, tuck the pelvis under, glide the hips forward until a stretch is felt "
                   "in the front of the back thigh, hold 2 s, come back. Never force it.",
                   "Do 2-3 glides."],
        "needs": ["side view", "whole body", "the back thigh moves back by 5 degrees or more"],
    },
    "sit_to_stand": {
        "name": "Sit-to-stand",
        "view": "side", "position": "sitting then standing",
        "camera": _SIDE_CAMERA + " Chair and feet fully in view.",
        "side_to_film": "Either side; the side nearer the camera is measured.",
        "person": ["Sit on a firm chair without arms, feet flat, arms crossed on the chest.",
                   "Stand up at a normal pace and stand still for 2 s; sit down again.",
                   "Repeat 1-5 times."],
        "needs": ["side view", "whole body", "a rise from sitting to standing"],
    },
    "thomas": {
        "name": "Modified Thomas test (side view)",
        "view": "side", "position": "lying on the back",
        "camera": ("Camera at table height, 2.5-3.5 m away, square to the side of the table; the whole person "
                   "and the table's long edge in view (the thigh angle is read against it); level camera."),
        "side_to_film": "The side of the hanging (tested) leg, nearest the camera.",
        "person": ["Sit on the very end of a firm table, lie back while hugging both knees, then hold one knee "
                   "to the chest (just enough to flatten the low back on the table).",
                   "Let the tested leg hang relaxed over the edge; hold still 3-5 s.",
                   "A helper checks that the low back and pelvis stay on the table, then steps out of the "
                   "picture (the pose model may follow a person standing in view instead).",
                   "Repeat for the other leg in a clip of its own, filmed from its side (lying side-on, the two "
                   "legs cannot be told apart in one clip)."],
        "needs": ["side view", "whole body", "lying", "a hug-and-hold of 3 s or more",
                  "the tested leg hanging over the end of a table (not on the floor)"],
    },
    "thomas_front": {
        "name": "Modified Thomas test (front view: thigh abduction)",
        "view": "front", "position": "lying on the back",
        "camera": "Camera at the foot end of the table, level with the hips, looking along the body.",
        "side_to_film": "Both hips and the hanging knee in view.",
        "person": ["The same position as the side view; hold still 3-5 s."],
        "needs": ["front view", "both hips and the knee"],
    },
    "ely": {
        "name": "Prone knee bend (Ely's test)",
        "view": "side", "position": "lying face down",
        "camera": _SIDE_CAMERA.replace("hip height", "table height"),
        "side_to_film": "The side of the tested knee, nearest the camera.",
        "person": ["Lie face down on a firm table, legs straight, hips flat.",
                   "A helper slowly bends the tested knee, heel towards the buttock, until resistance or the "
                   "hip starts to lift; hold 2 s; back down. Never force it. The helper kneels or crouches on the far "
                   "side of the table, lower than its top (the pose model may follow a person standing in view "
                   "instead), and holds the ankle from behind, leaving the lower leg and foot in view.",
                   "Whoever helps watches whether the buttock lifts from the table as the knee bends (Ely's sign): "
                   "the program measures the knee's bend but cannot tell the hip's rise from the picture.",
                   "Repeat for the other leg in a clip of its own, filmed from its side (lying side-on, the two "
                   "legs cannot be told apart in one clip)."],
        "needs": ["side view", "whole body", "lying", "a knee bend of 30 degrees or more"],
    },
    "walk": {
        "name": "Walking or running (hip extension before toe-off)",
        "view": "side", "position": "walking",
        "camera": ("Camera at hip height, 4-6 m from the walking line, square to it; at least 2-3 steps in view; "
                   "level camera; a treadmill filmed from the side also works."),
        "side_to_film": "Either side; the near leg is measured more reliably (the far leg is often hidden).",
        "person": ["Walk (or run) at a natural pace across the picture, side-on, feet in view."],
        "needs": ["side view", "whole body", "at least one toe-off"],
    },
}


CLOTHES = ("Wear fitted clothes (shorts or leggings, a top tucked in or ending above the hips) that stand out from "
           "the wall behind you: wide trousers and a long top hide the hips and thighs the test reads.")
"""The last step of every set-up: on rendered figures in wide trousers and a long top over the hips, the hip
extension read 2-5 degrees high and a lunge 4, and a lunge held once counted two or three times
(``benchmarks/eval_movement.py --style loose``)."""
for _pr in PROTOCOLS.values():
    _pr["person"].append(CLOTHES)


def protocol(kind: str) -> dict:
    """The setup guidance of one test (a copy; see :data:`PROTOCOLS`)."""
    return {k: (list(v) if isinstance(v, list) else v) for k, v in PROTOCOLS[kind].items()}
