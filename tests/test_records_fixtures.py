"""Shared fixtures for the records, comparison, report and page tests: a records file with real captures of
the rendered before/after clips and a rendered repeat (tracked once per test session), copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_media"


def render_repeat(dest: Path, seed: int = 21, duration: float = 2.0) -> Path:
    """The 'before' person of sample_media/before_tilt16.mp4 filmed again: same posture and camera, new sway,
    breathing phase and sensor noise (an identical repeat as far as the body goes)."""
    from vision.synthetic.body import APPEARANCES, BODIES
    from vision.synthetic.camera import Camera, Imaging
    from vision.synthetic.media_io import write_clip
    from vision.synthetic.movements import standing
    from vision.synthetic.posture import Posture
    from vision.synthetic.scene import BACKGROUNDS

    clip = standing("repeat", duration=duration, fps=15.0,
                    posture=Posture(pelvic_tilt=16.0, lumbar_lordosis=58.0, thoracic_kyphosis=42.0, head_forward=3.0),
                    body=BODIES["female"], appearance=APPEARANCES["red_top"],
                    camera=Camera(azimuth=-90.0, distance=3.0, height=1.0, target=(0.0, 0.9, 0.0), width=640,
                                  height_px=480),
                    background=BACKGROUNDS["bright"], imaging=Imaging(blur=0.6, noise=2.0), seed=seed)
    write_clip(dest, clip)
    return dest


_MASTER: dict = {}  # one master file per test session, shared by the modules that import these fixtures


@pytest.fixture(scope="session")
def therapist_db_master(tmp_path_factory):
    if _MASTER and Path(_MASTER["location"]).exists():
        return _MASTER
    from records import workflow as wf
    from records.store import Records

    d = tmp_path_factory.mktemp("records")
    repeat = render_repeat(d / "before_repeat.mp4")
    loc = d / "records.sqlite"
    with Records(loc) as rec:
        cid = rec.add_client("c1", "Client One")
        rec.set_consent(cid, "records", True)
        rec.set_consent(cid, "video", True)
        _, (before,) = wf.analyse_and_store(rec, cid, [SAMPLES / "before_tilt16.mp4"], keep_video=True,
                                            assessor="A. Therapist", label="before", notes=["low back pain, 3 months"])
        _, (after,) = wf.analyse_and_store(rec, cid, [SAMPLES / "after_tilt9.mp4"], assessor="A. Therapist",
                                           label="after 6 weeks")
        _, (rep,) = wf.analyse_and_store(rec, cid, [repeat], assessor="A. Therapist", label="repeat")
    _MASTER.update(location=loc, client_id=cid, before=before, after=after, repeat=rep, dir=d)
    return _MASTER


@pytest.fixture
def therapist_db(therapist_db_master, tmp_path):
    """A private copy of the shared records file (tests may write to it)."""
    m = dict(therapist_db_master)
    dest = tmp_path / "records.sqlite"
    shutil.copy(m["location"], dest)
    m["location"] = dest
    return m
