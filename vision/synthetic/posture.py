"""Posture parameters of the synthetic figure, with their units and sign conventions.

Body frame used throughout the synthetic package (metres): **x = the person's forward** (anterior),
**y = up** (the body's own vertical; the world vertical when standing upright), **z = the person's
right**. This frame is right-handed (forward x up = right). "Left"/"right" are the person's own sides,
as in MediaPipe.

Sagittal angles are positive *forward* unless stated; frontal angles say which side goes up.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace


@dataclass(frozen=True)
class Posture:
    """A static posture. Angles in degrees, lengths in centimetres.

    Attributes
    ----------
    pelvic_tilt : float
        Sagittal pelvic tilt: angle of the line from PSIS to ASIS below the horizontal, in degrees,
        **positive = anterior tilt** (ASIS lower than PSIS), negative = posterior tilt. Typical standing
        adults: about +5..+15 (Herrington 2011: mean ~ +11 in men, +12 in women); 0 = ASIS and PSIS level.
    lumbar_lordosis : float
        How far the lumbar curve turns backwards between the bottom of L5 and the top of L1, degrees,
        positive = lordotic (hollow low back). The L5/S1 junction angle is solved so the trunk meets
        ``trunk_lean``; the resulting S1-to-L1 lordosis is reported in the truth. Typical 40..60.
    thoracic_kyphosis : float
        How far the thoracic curve turns forwards between T12 and T1, degrees, positive = kyphotic
        (rounded upper back). Typical 30..45; above ~50 reads as a round back.
    trunk_lean : float
        Sagittal inclination of the line hip-joint-centre midpoint -> shoulder-joint-centre midpoint
        from the body vertical, degrees, **positive = forward**. 0 = shoulders straight above the hips.
    trunk_side_lean : float
        Frontal inclination of the same line, degrees, **positive = towards the person's right**.
    head_forward : float
        Horizontal (body-frame) distance of the ear (tragion) in front of the shoulder-joint midpoint,
        centimetres, positive = forward head. 0 = ear over the shoulder (ideal plumb line).
    head_pitch : float
        Head flexion relative to an upright head (eyes level in the body frame), degrees, positive =
        chin down (looking down).
    pelvic_obliquity : float
        Frontal tilt of the pelvis, degrees, **positive = the person's left hip higher** than the right.
    shoulder_tilt : float
        Frontal tilt of the shoulder girdle, degrees, positive = left shoulder higher.
    hip_flexion_l, hip_flexion_r : float
        Sagittal thigh angle (hip joint centre -> knee) from the body's downward vertical, degrees,
        **positive = flexion (knee forward)**, negative = extension (knee behind the hip). Measured
        against the body frame, not the pelvis; the pelvis-relative hip flexion is
        ``hip_flexion + pelvic_tilt`` (with a pelvis whose ASIS-PSIS line is level taken as neutral) and
        is reported in the truth.
    hip_abduction_l, hip_abduction_r : float
        Frontal thigh angle from the body vertical, degrees, positive = abduction (knee away from
        the midline).
    knee_flexion_l, knee_flexion_r : float
        Angle between the thigh and shank directions, degrees: 0 = straight knee, 90 = shank at right
        angles to the thigh (the shank swings backwards). The interior hip-knee-ankle angle is
        ``180 - knee_flexion``.
    foot_pitch_l, foot_pitch_r : float or None
        Foot sole angle to the body-frame horizontal, degrees, positive = toes up. ``None`` keeps the
        foot at right angles to the shank plus 0 (neutral ankle).
    toe_out : float
        Foot progression angle (toes turned outwards), degrees, both feet.
    shoulder_flexion_l, shoulder_flexion_r : float
        Upper-arm angle from the body's downward vertical in the sagittal plane, degrees, positive =
        arm forward.
    shoulder_abduction_l, shoulder_abduction_r : float
        Upper-arm angle away from the side in the frontal plane, degrees, positive = out to the side.
    elbow_flexion_l, elbow_flexion_r : float
        Angle between upper arm and forearm directions, degrees (0 = straight), forearm forward/up.
    """

    pelvic_tilt: float = 10.0
    lumbar_lordosis: float = 50.0
    thoracic_kyphosis: float = 38.0
    trunk_lean: float = 0.0
    trunk_side_lean: float = 0.0
    head_forward: float = 1.0
    head_pitch: float = 0.0
    pelvic_obliquity: float = 0.0
    shoulder_tilt: float = 0.0
    hip_flexion_l: float = 0.0
    hip_flexion_r: float = 0.0
    hip_abduction_l: float = 3.0
    hip_abduction_r: float = 3.0
    knee_flexion_l: float = 3.0
    knee_flexion_r: float = 3.0
    foot_pitch_l: float | None = 0.0
    foot_pitch_r: float | None = 0.0
    toe_out: float = 7.0
    shoulder_flexion_l: float = 3.0
    shoulder_flexion_r: float = 3.0
    shoulder_abduction_l: float = 8.0
    shoulder_abduction_r: float = 8.0
    elbow_flexion_l: float = 12.0
    elbow_flexion_r: float = 12.0

    def replace(self, **changes) -> "Posture":
        """Return a copy with some parameters changed."""
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return asdict(self)


def blend(a: Posture, b: Posture, t: float) -> Posture:
    """Linear blend of two postures: ``t = 0`` gives ``a``, ``t = 1`` gives ``b``.

    ``None`` foot pitches are taken from whichever posture has a value (or stay None).
    """
    out = {}
    for f in fields(Posture):
        va, vb = getattr(a, f.name), getattr(b, f.name)
        if va is None or vb is None:
            out[f.name] = vb if va is None else va
        else:
            out[f.name] = (1.0 - t) * va + t * vb
    return Posture(**out)


@dataclass(frozen=True)
class Placement:
    """Where the body frame sits in the world (metres, degrees).

    World frame: x = forward of an un-rotated person, y = up (vertical), z = that person's right;
    the floor is y = 0.

    Attributes
    ----------
    body_pitch : float
        Rotation of the whole body about its own left-right axis, degrees: **positive = backwards**
        (90 = lying supine, face up, head towards world -x), negative = forwards (-90 = prone, face
        down, head towards world +x).
    position : tuple of float or None
        World position (x, y, z) of the hip-joint-centre midpoint in metres. ``None`` = stand on the
        floor: the height is chosen so the lowest contact point touches y = 0, and horizontally the
        hip midpoint goes to x = z = 0 unless ``feet_at`` is given.
    ground_contacts : bool
        With ``position=None``, which points may touch the floor: the soles and the knees (True,
        e.g. kneeling) or only the soles (False).
    contact_feet : tuple of str
        Which feet (``"left"``, ``"right"``) may touch the floor (e.g. only the stance foot while the
        other leg swings back).
    feet_at : tuple of float or None
        With ``position=None``: world (x, z) where the midpoint of the contact ankles is put (keeps
        the feet still while the body moves, as in sit-to-stand).
    """

    body_pitch: float = 0.0
    position: tuple[float, float, float] | None = None
    ground_contacts: bool = False
    contact_feet: tuple[str, ...] = ("left", "right")
    feet_at: tuple[float, float] | None = None

    def to_dict(self) -> dict:
        return asdict(self)


DEFAULT_POSTURE = Posture()
