"""The checks a person can choose in the app, with their setup instructions and setup pictures.

Each check is standing posture (side or front view) or one movement test of :mod:`analysis.movement`.
Setup instructions for movement tests come from :data:`analysis.protocols.PROTOCOLS`; the setup picture
is the project's synthetic figure (:mod:`vision.synthetic`) posed and filmed as the check needs, rendered
on first use (about 1 s) or read from ``sample_media/setup/<id>.jpg`` when :func:`make_setup_pictures`
has written it. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from analysis.protocols import PROTOCOLS

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_media"
SETUP_DIR = SAMPLES / "setup"

_STANDING_CAMERA = ("Put the camera (laptop, phone on a shelf) at hip height, 2.5-4 m away, level and upright; "
                    "landscape. The whole body, head to feet, must be in the picture with some room to spare.")


@dataclass(frozen=True)
class CheckKind:
    """One choice of the guided flow.

    Attributes
    ----------
    id : str
    title : str
        As shown in the menu.
    want : str
        Views accepted by the standing assessment (``"side"``, ``"frontal"``) or the test's view.
    test : str or None
        Movement test kind for :func:`analysis.movement.run_movement_test`; None for standing posture.
    sample : str or None
        File in ``sample_media/`` shown when nothing is recorded or uploaded.
    live : bool
        Whether the live webcam capture (a few seconds of standing still) suits this check.
    """

    id: str
    title: str
    want: str
    test: str | None
    sample: str | None
    live: bool

    @property
    def is_standing(self) -> bool:
        return self.test is None

    def sample_path(self) -> Path | None:
        return None if self.sample is None else SAMPLES / self.sample

    def camera(self) -> str:
        return PROTOCOLS[self.test]["camera"] if self.test else _STANDING_CAMERA

    def steps(self) -> list[str]:
        """What the person does, in order."""
        if self.test:
            pr = PROTOCOLS[self.test]
            return [f"Film: {pr['side_to_film']}"] + list(pr["person"])
        if self.want == "side":
            return ["Stand side-on to the camera (your left or right side towards it), barefoot or in flat shoes.",
                    "Arms relaxed by your sides (not covering the hips), look straight ahead, stand as you "
                    "usually do.",
                    "Stand still for about 5 seconds while the picture is taken.",
                    "Wear fitted clothes that contrast with the wall behind you; nobody else in view."]
        return ["Stand facing the camera, feet hip-width apart, weight on both feet.",
                "Arms relaxed a little away from your sides, look straight ahead.",
                "Stand still for about 5 seconds while the picture is taken.",
                "Wear fitted clothes that contrast with the wall behind you; nobody else in view."]

    def needs(self) -> list[str]:
        if self.test:
            return list(PROTOCOLS[self.test]["needs"])
        return ["side view" if self.want == "side" else "front view", "whole body", "standing still 2 s"]


CHECKS: dict[str, CheckKind] = {c.id: c for c in (
    CheckKind("standing_side", "Standing posture, side view", "side", None, "standing_side.mp4", True),
    CheckKind("standing_front", "Standing posture, front view", "frontal", None, "standing_front.jpg", True),
    CheckKind("hip_extension", "Movement test: standing hip extension", "side", "hip_extension", "hip_extension.mp4",
              False),
    CheckKind("lunge", "Movement test: half-kneeling lunge", "side", "lunge", "kneeling_lunge.mp4", False),
    CheckKind("sit_to_stand", "Movement test: sit-to-stand", "side", "sit_to_stand", "sit_to_stand.mp4", False),
    CheckKind("thomas", "Movement test: modified Thomas test", "side", "thomas", "thomas_test.mp4", False),
    CheckKind("ely", "Movement test: prone knee bend (Ely)", "side", "ely", "prone_knee_bend.mp4", False),
    CheckKind("walk", "Movement test: walking", "side", "walk", None, False),
)}
DEFAULT_CHECK = "standing_side"
# the tested leg of a one-leg movement test, as the person or their trainer states it (None: from the movement)
LEG_CHOICES = {None: "Found from the movement", "left": "Left", "right": "Right"}
LEG_HELP = ("Seen from the side, the pose model can mix up the two legs' names. Say which leg is tested and it is "
            "named so; the test still finds it from the movement.")


def get(check_id: str) -> CheckKind:
    try:
        return CHECKS[check_id]
    except KeyError:
        raise KeyError(f"unknown check {check_id!r}; choose from {', '.join(CHECKS)}") from None


# ------------------------------------------------------------------------------------------------
# setup pictures (the synthetic figure, posed and filmed as the check needs)
# ------------------------------------------------------------------------------------------------
def _setup_spec(check_id: str):
    """(FrameSpec, Shot) of the setup picture of one check."""
    from vision.synthetic import movements as mv
    from vision.synthetic.body import APPEARANCES
    from vision.synthetic.camera import Camera, Imaging
    from vision.synthetic.frames import FrameSpec, Shot
    from vision.synthetic.posture import Placement, Posture
    from vision.synthetic.scene import BACKGROUNDS

    stand = Posture(pelvic_tilt=10.0, lumbar_lordosis=48.0, thoracic_kyphosis=40.0)
    room, look = BACKGROUNDS["living_room"], APPEARANCES["blue_shirt"]
    if check_id in ("standing_side", "walk"):
        cam = Camera(azimuth=-90.0, distance=3.0, height=1.0, target=(0.0, 0.9, 0.0), width=640, height_px=480)
        return FrameSpec(stand, appearance=look, placement=Placement()), Shot(cam, room, Imaging())
    if check_id == "standing_front":
        cam = Camera(azimuth=0.0, distance=3.0, height=1.0, target=(0.0, 0.9, 0.0), width=640, height_px=480)
        return FrameSpec(stand, appearance=look, placement=Placement()), Shot(cam, room, Imaging())
    clip, at = {
        "hip_extension": (lambda: mv.hip_extension(reps=1, rep_s=2.0), 0.5),
        # each one-leg test as its set-up asks: the tested leg nearest the camera
        "lunge": (lambda: mv.kneeling_lunge(camera=Camera(azimuth=90.0, distance=3.0, height=1.0,
                                                          target=(0.1, 0.6, 0.0), width=640, height_px=480)), 0.45),
        "sit_to_stand": (lambda: mv.sit_to_stand(), 0.3),
        "thomas": (lambda: mv.thomas_test(hanging="right"), 0.8),
        "ely": (lambda: mv.prone_knee_bend(), 0.5),
    }[check_id]
    c = clip()
    return c.frames[min(len(c.frames) - 1, int(at * len(c.frames)))], Shot(c.shot.camera, c.shot.background, Imaging())


def render_setup_picture(check_id: str) -> np.ndarray:
    """Render the setup picture of ``check_id`` (RGB uint8, about 1 s of work)."""
    from vision.synthetic.frames import render_frame

    spec, shot = _setup_spec(check_id)
    img, _ = render_frame(spec, shot, seed=0)
    return img


@lru_cache(maxsize=None)
def setup_picture(check_id: str) -> np.ndarray:
    """The setup picture of ``check_id``: ``sample_media/setup/<id>.jpg`` when present, else rendered now
    (and kept in memory for the rest of the session)."""
    get(check_id)
    path = SETUP_DIR / f"{check_id}.jpg"
    if path.is_file():
        from PIL import Image

        with Image.open(path) as im:
            return np.asarray(im.convert("RGB"))
    return render_setup_picture(check_id)


def make_setup_pictures(out: Path = SETUP_DIR) -> list[Path]:
    """Write every check's setup picture to ``out/<id>.jpg`` (for the sample maker)."""
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for cid in CHECKS:
        p = out / f"{cid}.jpg"
        Image.fromarray(render_setup_picture(cid)).save(p, quality=90)
        written.append(p)
    return written
