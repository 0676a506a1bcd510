"""Real people through ``posture analyze``, against what a person looking at each photo and clip expects
(``benchmarks/real_manifest*.toml``). One pass over every file per test session (about a minute and a half
on 2 cores), then one assertion per file; skipped where ../shared/data is absent.
"""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT, SHARED_DATA, needs_shared_data

sys.path.insert(0, str(ROOT / "benchmarks"))
import eval_real  # noqa: E402

pytestmark = needs_shared_data
ENTRIES = [e for m in eval_real.MANIFESTS for e in eval_real.load_manifest(m)]


@pytest.fixture(scope="session")
def rows(tmp_path_factory):
    out = tmp_path_factory.mktemp("eval_real")
    return {r.entry.path + (f" [{r.entry.test}]" if r.entry.test else ""): r
            for r in eval_real.run(ENTRIES, SHARED_DATA, out, annotate=False, log=None)}


def test_the_manifest_covers_every_photo_and_clip():
    media = {str(p.relative_to(SHARED_DATA)) for p in SHARED_DATA.rglob("*")
             if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".mp4", ".avi", ".gif")}
    standing = {e.path for e in ENTRIES if e.test is None}
    assert media <= standing, sorted(media - standing)


@pytest.mark.timeout(900)  # the first file of the session waits for the whole pass
@pytest.mark.parametrize("key", [e.path + (f" [{e.test}]" if e.test else "") for e in ENTRIES])
def test_each_file_gets_its_expected_verdict(rows, key):
    r = rows[key]
    assert not r.faults, r.faults
    assert r.ok, f"expected {r.expected}, got {r.got}: {r.first}"


def test_every_side_photo_gets_a_tilt_value_or_a_specific_reason(rows):
    side = [r for r in rows.values() if r.tilt]
    assert len(side) >= 20
    for r in side:
        assert not r.tilt.startswith("no value") or len(r.tilt) > 30, (r.entry.path, r.tilt)
    # photos cut at the shins or with the head out still get the estimate: the framing does not withhold it
    for r in side:
        if r.entry.not_measured and r.got == "measure":
            assert "deg" in r.tilt or "implausible" in r.tilt, (r.entry.path, r.tilt)
