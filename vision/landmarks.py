"""MediaPipe Pose (BlazePose) landmark names, indices and skeleton edges.

"left" and "right" are the person's own sides, as in MediaPipe.
"""

from __future__ import annotations

LANDMARK_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner", "left_eye", "left_eye_outer",
    "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear",
    "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow",
    "left_wrist", "right_wrist",
    "left_pinky", "right_pinky",
    "left_index", "right_index",
    "left_thumb", "right_thumb",
    "left_hip", "right_hip",
    "left_knee", "right_knee",
    "left_ankle", "right_ankle",
    "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)
N_LANDMARKS = len(LANDMARK_NAMES)

_INDEX = {name: i for i, name in enumerate(LANDMARK_NAMES)}


def index(name: str) -> int:
    """Return the MediaPipe index of landmark ``name`` (e.g. ``"left_hip"`` -> 23)."""
    try:
        return _INDEX[name]
    except KeyError:
        raise KeyError(f"unknown landmark {name!r}; expected one of {', '.join(LANDMARK_NAMES)}") from None


# Body skeleton drawn on frames (face and hand details left out for legibility).
SKELETON: tuple[tuple[int, int], ...] = tuple(
    (index(a), index(b))
    for a, b in (
        ("left_ear", "left_eye"), ("right_ear", "right_eye"), ("left_eye", "nose"), ("right_eye", "nose"),
        ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"),
        ("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"),
        ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
        ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"),
        ("left_hip", "left_knee"), ("left_knee", "left_ankle"),
        ("left_ankle", "left_heel"), ("left_heel", "left_foot_index"), ("left_ankle", "left_foot_index"),
        ("right_hip", "right_knee"), ("right_knee", "right_ankle"),
        ("right_ankle", "right_heel"), ("right_heel", "right_foot_index"), ("right_ankle", "right_foot_index"),
    )
)
