"""Furniture the movements need: a chair (sit-to-stand) and a treatment table (lying tests); and the helper
who stands beside the table in the lying tests.

World metres (x = the figure's forward when un-rotated, y = up, z = its right; floor y = 0).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .mesh import Part, box

_I = np.eye(3)


@dataclass(frozen=True)
class Chair:
    """A four-legged chair with a backrest; the figure sits facing +x.

    Attributes
    ----------
    front_x : float
        World x of the seat's front edge, metres.
    seat_height : float
        Height of the seat top above the floor, metres.
    z : float
        World z of the seat centre.
    depth, width : float
        Seat size, metres.
    color : tuple of int
        RGB.
    """

    front_x: float = 0.0
    seat_height: float = 0.45
    z: float = 0.0
    depth: float = 0.42
    width: float = 0.44
    color: tuple[int, int, int] = (120, 78, 46)

    def to_dict(self) -> dict:
        return {"kind": "chair", **asdict(self)}

    def parts(self) -> list[Part]:
        ps: list[Part] = []
        cx = self.front_x - self.depth / 2
        th = 0.04
        ps += box(np.array([cx, self.seat_height - th / 2, self.z]), _I, (self.depth, th, self.width),
                  self.color, name="chair_seat")
        leg = 0.035
        for dx in (-1, 1):
            for dz in (-1, 1):
                x = cx + dx * (self.depth / 2 - leg)
                z = self.z + dz * (self.width / 2 - leg)
                ps += box(np.array([x, (self.seat_height - th) / 2, z]), _I, (leg, self.seat_height - th, leg),
                          tuple(int(c * 0.8) for c in self.color), subdiv=2, name="chair_leg")
        back_h = 0.45
        bx = self.front_x - self.depth + leg / 2
        for dz in (-1, 1):
            ps += box(np.array([bx, self.seat_height + back_h / 2, self.z + dz * (self.width / 2 - leg)]), _I,
                      (leg, back_h, leg), tuple(int(c * 0.8) for c in self.color), subdiv=2, name="chair_post")
        ps += box(np.array([bx, self.seat_height + back_h - 0.08, self.z]), _I, (leg, 0.14, self.width),
                  self.color, name="chair_back")
        return ps


@dataclass(frozen=True)
class Table:
    """A treatment table (plinth).

    Attributes
    ----------
    x0, x1 : float
        World x range of the table top, metres (the figure's pelvis rests at one end for the
        modified Thomas test).
    height : float
        Height of the top surface, metres.
    z : float
        World z of the table's centre line.
    width : float
        Metres.
    color, top_color : tuple of int
        RGB of the frame and the padded top.
    """

    x0: float = -1.9
    x1: float = 0.05
    height: float = 0.72
    z: float = 0.0
    width: float = 0.62
    color: tuple[int, int, int] = (90, 90, 96)
    top_color: tuple[int, int, int] = (40, 90, 110)

    def to_dict(self) -> dict:
        return {"kind": "table", **asdict(self)}

    def parts(self) -> list[Part]:
        ps: list[Part] = []
        th = 0.08
        L = self.x1 - self.x0
        cx = (self.x0 + self.x1) / 2
        ps += box(np.array([cx, self.height - th / 2, self.z]), _I, (L, th, self.width), self.top_color,
                  subdiv=10, name="table_top")
        leg = 0.05
        for x in (self.x0 + 0.1, self.x1 - 0.1):
            for dz in (-1, 1):
                ps += box(np.array([x, (self.height - th) / 2, self.z + dz * (self.width / 2 - 0.06)]), _I,
                          (leg, self.height - th, leg), self.color, subdiv=2, name="table_leg")
        return ps


@dataclass(frozen=True)
class Helper:
    """A second person standing beside the treatment table (the lying tests' set-ups have a helper), drawn as
    the mesh figure (:mod:`.figure`). Scenery like the table: the truth is the figure's who is tested.

    Attributes
    ----------
    x, z : float
        World position of the helper's feet (midpoint of the ankles), metres; the helper faces +x.
    arms_forward : float
        Both shoulders' flexion, degrees (0 = arms down, 90 = reaching forward at shoulder height).
    body, appearance : str
        Keys of :data:`.body.BODIES` and :data:`.body.APPEARANCES`.
    """

    x: float = -1.1
    z: float = -0.75
    arms_forward: float = 40.0
    body: str = "tall_slim"
    appearance: str = "blue_shirt"

    def to_dict(self) -> dict:
        return {"kind": "helper", **asdict(self)}

    def parts(self) -> list[Part]:
        from .body import APPEARANCES, BODIES
        from .figure import figure_parts
        from .kinematics import pose_skeleton
        from .posture import Placement, Posture

        a = self.arms_forward
        posture = Posture(shoulder_flexion_l=a, shoulder_flexion_r=a, elbow_flexion_l=20.0, elbow_flexion_r=20.0)
        sk = pose_skeleton(posture, BODIES[self.body], Placement(feet_at=(self.x, self.z)))
        return figure_parts(sk, APPEARANCES[self.appearance])


def props_from_dicts(items: list[dict]) -> list:
    """Rebuild props from their ``to_dict()`` forms."""
    out = []
    for d in items:
        d = dict(d)
        kind = d.pop("kind")
        cls = {"chair": Chair, "table": Table, "helper": Helper}[kind]
        out.append(cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}))
    return out
