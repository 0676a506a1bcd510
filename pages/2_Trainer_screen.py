"""Trainer: screen a batch of clips for front-thigh (quadriceps / hip-flexor) tightness into a sortable roster.
Thin: the logic is in :mod:`records.batch`."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from records.batch import ROSTER_COLUMNS, SCREEN_TESTS, run_batch
from records.db import default_location

st.set_page_config(page_title="Trainer screen", layout="wide")
st.title("Trainer screen: who needs what")
st.caption("One clip per person, or one clip with people in turn (each stands, then does the test once). "
           "A screen from video, not a diagnosis.")

_loc = default_location()
if os.environ.get("POSTURE_BATCH_DIR"):
    base = Path(os.environ["POSTURE_BATCH_DIR"])
elif "://" not in _loc:
    base = Path(_loc).expanduser().parent / "batch"
else:
    base = Path.home() / ".posture" / "batch"
name = st.text_input("Batch name (a folder in your data folder; running it again resumes it)", "screen", key="batch")
test = st.selectbox("Test", SCREEN_TESTS, key="test",
                    format_func=lambda k: {"hip_extension": "standing hip extension", "lunge": "half-kneeling lunge",
                                           "thomas": "modified Thomas test", "ely": "prone knee bend (Ely)"}[k])
ups = st.file_uploader("Clips", accept_multiple_files=True, key="clips")
in_turn = st.checkbox("Clips may hold several people in turn", value=True, key="in_turn")
folder = base / name
if st.button("Screen", key="run", disabled=not ups):
    src = folder / "clips"
    src.mkdir(parents=True, exist_ok=True)
    for u in ups:
        p = src / Path(u.name).name
        if not p.exists() or p.stat().st_size != u.size:
            p.write_bytes(u.getvalue())
    bar = st.progress(0.0, text="starting")

    def progress(fname, entry, done, total):
        bar.progress(done / max(1, total), text=f"{done}/{total}: {fname} {entry['status']}")

    s = run_batch(src, folder / "out", test, in_turn=in_turn, on_progress=progress)
    st.session_state["summary"] = s
s = st.session_state.get("summary")
if s:
    st.write(f"{s['total']} files: {len(s['done'])} screened now, {len(s['skipped'])} done before, "
             f"{len(s['failed'])} failed.")
    for fname, err in s["failed"]:
        st.warning(f"{fname}: {err}")
    st.dataframe([{k: r.get(k) for k in ROSTER_COLUMNS} for r in s["rows"]], key="roster")
    st.download_button("Roster CSV", Path(s["roster_csv"]).read_bytes(), "roster.csv", key="csv")
