"""Body proportions and clothing of the synthetic figure.

Segment lengths follow the usual anthropometric fractions of standing height (Drillis & Contini /
Winter, "Biomechanics and Motor Control of Human Movement"), scaled by a few shape factors so a set
of figures can differ in build. Colours are RGB tuples 0..255.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Body:
    """Proportions of one figure.

    Attributes
    ----------
    height : float
        Standing height (floor to vertex with a neutral posture), metres.
    leg_ratio : float
        Multiplies thigh and shank length (1 = Winter's fractions: hip joint at ~0.53 of height).
    shoulder_width : float
        Multiplies the distance between the shoulder joint centres (1 = 0.2 x height).
    hip_width : float
        Multiplies pelvis width: hip joint centres, ASIS and the lateral hip/buttock surface.
    girth : float
        Multiplies the thickness of limbs and trunk (1 = slim-average adult; 1.3 = heavy build).
    belly : float
        Extra abdominal depth in front of the lumbar spine, centimetres (0 = flat; 8 = marked belly).
    buttocks : float
        Extra gluteal depth behind the pelvis, centimetres.
    chest : float
        Extra chest / bust depth, centimetres.
    head_scale : float
        Multiplies head size.
    """

    height: float = 1.75
    leg_ratio: float = 1.0
    shoulder_width: float = 1.0
    hip_width: float = 1.0
    girth: float = 1.0
    belly: float = 1.0
    buttocks: float = 1.0
    chest: float = 1.0
    head_scale: float = 1.0

    def replace(self, **changes) -> "Body":
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Appearance:
    """Skin, hair and clothes.

    Attributes
    ----------
    skin, hair, shirt, trousers, shoes : tuple of int
        RGB colours.
    hair_style : str
        ``"short"``, ``"long"`` (falls to the shoulders) or ``"bald"``.
    sleeves : str
        ``"short"`` or ``"long"``.
    legwear : str
        ``"long"`` (trousers / leggings) or ``"shorts"`` (skin below mid-thigh).
    shirt_stripes : tuple of int or None
        Colour of horizontal stripes on the shirt, or None for a plain shirt.
    socks : tuple of int or None
        Colour of socks visible above the shoes, or None.
    """

    skin: RGB = (224, 172, 138)
    hair: RGB = (60, 42, 30)
    shirt: RGB = (52, 96, 168)
    trousers: RGB = (48, 48, 56)
    shoes: RGB = (235, 235, 235)
    hair_style: str = "short"
    sleeves: str = "short"
    legwear: str = "long"
    shirt_stripes: RGB | None = None
    socks: RGB | None = None

    def replace(self, **changes) -> "Appearance":
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return asdict(self)


# A few builds and outfits for varied test sets and the trainer's screen.
BODIES: dict[str, Body] = {
    "average": Body(),
    "tall_slim": Body(height=1.90, leg_ratio=1.04, shoulder_width=1.02, hip_width=0.95, girth=0.88,
                      belly=0.0, buttocks=0.5, chest=0.5),
    "short_heavy": Body(height=1.60, leg_ratio=0.96, shoulder_width=1.04, hip_width=1.12, girth=1.28,
                        belly=7.0, buttocks=3.0, chest=2.5),
    "female": Body(height=1.65, leg_ratio=1.01, shoulder_width=0.9, hip_width=1.1, girth=0.95,
                   belly=0.5, buttocks=3.0, chest=3.0, head_scale=0.97),
    "athletic": Body(height=1.80, shoulder_width=1.1, hip_width=0.98, girth=1.1, belly=0.0,
                     buttocks=2.0, chest=2.0),
}

APPEARANCES: dict[str, Appearance] = {
    "blue_shirt": Appearance(),
    "red_top": Appearance(skin=(241, 194, 160), hair=(150, 100, 50), shirt=(190, 40, 48),
                          trousers=(40, 60, 110), shoes=(40, 40, 40), hair_style="long", sleeves="long"),
    "dark_skin": Appearance(skin=(120, 78, 52), hair=(20, 16, 14), shirt=(236, 236, 228),
                            trousers=(70, 90, 60), shoes=(90, 50, 30), sleeves="short", legwear="shorts",
                            socks=(240, 240, 240)),
    "striped": Appearance(skin=(200, 150, 115), hair=(35, 30, 28), shirt=(230, 200, 60),
                          trousers=(110, 110, 120), shoes=(180, 40, 40), shirt_stripes=(40, 90, 60),
                          sleeves="long"),
    "gym": Appearance(skin=(170, 120, 90), hair=(25, 22, 20), shirt=(30, 30, 34), trousers=(30, 30, 34),
                      shoes=(240, 120, 40), hair_style="bald", sleeves="short", legwear="shorts"),
}
