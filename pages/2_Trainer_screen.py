"""Trainer: screen a batch of clips for front-thigh (quadriceps / hip-flexor) tightness into a sortable roster.
Thin: the logic is in :mod:`records.batch`.

The clips are streamed into a private temporary folder for the run and deleted afterwards; the batch folder
keeps only the results (owner-only). Each browser session gets its own batch name; a batch folder in use by
another session is reported, not shared.

With ``POSTURE_CLUSTER`` set to a Dask scheduler's address (``tcp://HOST:PORT``, or ``local``), the page offers
to screen on that cluster; workers that cannot read this machine's temporary folder get the clips as bytes.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import shutil
from pathlib import Path

import pandas as pd
import streamlit as st

from privacy.files import private_dir, private_tempdir, private_umask, write_private
from privacy.text import NAME_RULE, md_escape, unique_names
from records.batch import LEG_FROM_NAME, SCREEN_TESTS, batch_folder, run_batch
from ui import roster as ur_
from records.db import default_location
from records.errors import RecordsError
from ui.analyse import save_upload
from ui.checks import LEG_CHOICES, LEG_HELP
from ui.results import safe_filename

private_umask()
st.set_page_config(page_title="Trainer screen", layout="wide")
st.title("Trainer screen: who needs what")
st.caption("One clip per person, or one clip with people in turn (each stands, then does the test once). "
           "A screen from video, not a diagnosis. The clips are deleted after the screen; the results stay.")

_loc = default_location()
if os.environ.get("POSTURE_BATCH_DIR"):
    base = Path(os.environ["POSTURE_BATCH_DIR"])
elif "://" not in _loc:
    base = Path(_loc).expanduser().parent / "batch"
else:
    base = Path.home() / ".posture" / "batch"
if "batch" not in st.session_state:  # one name per browser session, so two sessions never share a folder
    st.session_state["batch"] = f"screen-{datetime.datetime.now():%Y%m%d-%H%M}-{secrets.token_hex(2)}"
name = st.text_input(f"Batch name (a folder in your data folder; running it again resumes it; {NAME_RULE})",
                     key="batch")
test = st.selectbox("Test", SCREEN_TESTS, key="test",
                    format_func=lambda k: {"hip_extension": "standing hip extension", "lunge": "half-kneeling lunge",
                                           "thomas": "modified Thomas test", "ely": "prone knee bend (Ely)"}[k])
legs = {**LEG_CHOICES, LEG_FROM_NAME: "From each clip's name"}
leg = st.radio("Tested leg", list(legs), format_func=legs.get, key="leg", horizontal=True,
               help=LEG_HELP + " From each clip's name: the word left or right in it (JS-01-left.mp4); a clip whose "
               "name has neither gets the leg found from the movement. A screen run again with another choice starts "
               "a new roster.")
ups = st.file_uploader("Clips", accept_multiple_files=True, key="clips")
in_turn = st.checkbox("Clips may hold several people in turn", value=True, key="in_turn")
cluster = os.environ.get("POSTURE_CLUSTER") or None
if cluster:
    where = st.radio("Screen on", ["this computer", f"the cluster at {cluster}"], key="where", horizontal=True)
    cluster = cluster if where != "this computer" else None
try:
    folder = batch_folder(base, name)
except RecordsError as e:
    folder = None
    st.error(md_escape(e))
if st.button("Screen", key="run", disabled=not ups or folder is None) and ups and folder is not None:
    private_dir(folder)
    shutil.rmtree(folder / "clips", ignore_errors=True)  # copies that earlier versions of this page kept
    bar = st.progress(0.0, text="starting")

    def progress(fname, entry, done, total, left):
        eta = f", about {left / 60:.0f} min left" if left is not None and done < total and left >= 60 else (
            f", about {left:.0f} s left" if left is not None and done < total else "")
        bar.progress(done / max(1, total), text=f"{done}/{total}: {md_escape(fname)} {entry['status']}{eta}")

    names = unique_names([safe_filename(u.name) for u in ups])
    try:
        with private_tempdir("posture-batch-") as src:  # the clips exist only while they are screened
            for u, n in zip(ups, names):
                save_upload(u, src / n)
            st.session_state["summary"] = run_batch(src, folder / "out", test, in_turn=in_turn, cluster=cluster,
                                                    leg=leg, on_progress=progress)
    except RecordsError as e:  # another session is screening into this folder
        st.error(md_escape(e))
s = st.session_state.get("summary")
if s:
    names_file = folder / "names.json" if folder is not None else None
    names = json.loads(names_file.read_text()) if names_file is not None and names_file.is_file() else {}
    st.subheader("Who needs what")
    st.markdown(f"**{ur_.summary_line(s['rows'], s['failed'])}**")
    st.caption(f"{s['total']} file{'' if s['total'] == 1 else 's'}: {len(s['done'])} screened now, {len(s['skipped'])} done before, "
               f"{len(s['failed'])} could not be read.")
    for fname, err in s["failed"]:
        st.warning(md_escape(f"{fname}: {err}"))
    view = ur_.view_rows(s["rows"], names)
if s and view:
    df = pd.DataFrame(view).set_index("person")
    st.caption("Most need first. Type a name over each person's label; names are kept with this batch.")
    edited = st.data_editor(
        df.style.apply(lambda col: [f"background-color: {ur_.flag_colour(v)}" for v in col], subset=["Flag"]),
        key="roster", hide_index=True, width="stretch", height=40 + 64 * len(df), row_height=64,
        disabled=[c for c in df.columns if c != "Name"],
        column_config={"Name": st.column_config.TextColumn("Name", width=190, help="Type the person's name"),
                       "Picture": st.column_config.ImageColumn("Picture", width=64),
                       "Flag": st.column_config.TextColumn("Flag", width=125),
                       "Value": st.column_config.TextColumn("Value", width=70),
                       "Needs": st.column_config.TextColumn("Needs", width=380)})
    changed = {p: str(n).strip() for p, n in edited["Name"].items() if str(n or "").strip()
               and str(n).strip() != df.at[p, "Name"]}
    if names_file is not None and changed:  # kept with the batch (owner-only), shown in the CSV too
        names.update(changed)
        write_private(names_file, json.dumps(names, indent=1))
        st.rerun()
    st.download_button("Roster (CSV)", ur_.roster_csv(ur_.view_rows(s["rows"], names)), "roster.csv", key="csv",
                       on_click="ignore")
