"""Plausibility bounds: a value a standing body cannot show is a landmark error, never a measurement.

Every standing metric has physiological bounds in ``analysis/data/norms.toml`` (entries ``plausible_<key>``,
each with its reasoning; a per-side key such as ``knee_frontal_left`` uses ``plausible_knee_frontal``). They
are much wider than the usual ranges: a value outside the usual range is a finding, a value outside the
plausible range means the pose model misplaced a landmark (or the outline followed an arm), the view or the
activity was misread. Such a value is replaced by "not measured" with a reason, and the capture gets a
``plausibility`` check: a warning, or blocking when most numbers came out implausible.
"""

from __future__ import annotations

from dataclasses import replace

from analysis.metric import Metric
from analysis.norms import Norm, norm, threshold
from analysis.quality import Check

IMPLAUSIBLE = "not measured: implausible for a person standing quietly, probably a landmark error"


def bounds(key: str, height_cm: float | None = None) -> Norm | None:
    """The plausible range of metric ``key`` (None when it has none); "% height" bounds in cm when the
    person's height is given (the metric is then in cm)."""
    for k in (key, key.removesuffix("_left").removesuffix("_right")):
        try:
            n = norm(f"plausible_{k}")
        except KeyError:
            continue
        if height_cm and n.unit == "% height":
            f = height_cm / 100.0
            return replace(n, low=None if n.low is None else n.low * f, high=None if n.high is None else n.high * f,
                           unit="cm")
        return n
    return None


def is_implausible(m: Metric | dict, height_cm: float | None = None) -> bool:
    """Whether the metric's value lies outside its plausible range (False without a value or bounds)."""
    d = m.to_dict() if isinstance(m, Metric) else m
    if d.get("value") is None:
        return False
    b = bounds(d["key"], height_cm if d.get("unit") == "cm" else None)
    return b is not None and b.status(float(d["value"])) != "within"


def screen(m: Metric, height_cm: float | None = None) -> Metric:
    """``m`` unchanged when plausible; otherwise a copy without a value whose reason says it is implausible
    (the rejected value kept in ``extra["rejected_value"]`` for experts, with the bounds)."""
    if not is_implausible(m, height_cm):
        return m
    b = bounds(m.key, height_cm if m.unit == "cm" else None)
    extra = dict(m.extra, rejected_value=round(float(m.value), 2), implausible=True,
                 plausible_range=b.describe())
    return replace(m, value=None, spread=None, confidence=0.0, status="unknown", reading="",
                   reason=f"{IMPLAUSIBLE} (outside {b.describe()}, what a standing body can show)", extra=extra)


def screen_all(metrics: list[Metric], height_cm: float | None = None) -> tuple[list[Metric], Check]:
    """Screen every metric and sum up as a capture check.

    Returns
    -------
    metrics : list of Metric
        The implausible ones replaced (see :func:`screen`).
    check : Check
        Name ``"plausibility"``; ``value`` = share of the numbers with a value that were implausible. Fails
        (a warning) when any was; blocking when the share reaches ``plausibility_block_share``.
    """
    out = [screen(m, height_cm) for m in metrics]
    had = [m for m in out if m.value is not None or m.extra.get("implausible")]  # screened earlier too
    bad = [m for m in out if m.extra.get("implausible")]
    if not had:
        return out, Check("plausibility", True, None, "fraction of the numbers", "no number to check", checked=False)
    share = len(bad) / len(had)
    if not bad:
        return out, Check("plausibility", True, 0.0, "fraction of the numbers",
                          "every number is within what a standing body can show")
    names = ", ".join(m.name.lower() + (f" ({m.side})" if m.side and m.side not in m.name.lower() else "") for m in bad)
    blocking = share >= threshold("plausibility_block_share")
    if blocking:
        return out, Check("plausibility", False, share, "fraction of the numbers",
                          f"{len(bad)} of {len(had)} numbers came out impossible for a person standing quietly "
                          f"({names}): the pose model probably misread the body, the view or what you were doing",
                          "stand still on both feet, arms by your sides, square-on or side-on to a camera at hip "
                          "height, in good light, and record again", blocking=True)
    return out, Check("plausibility", False, share, "fraction of the numbers",
                      f"not measured because implausible (probably a landmark error): {names}",
                      "if the picture shows these body parts clearly, record again with the camera at hip height "
                      "and nothing covering them")
