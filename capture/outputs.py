"""Names of the files one analysis writes, so that no input's outputs overwrite another's.

Outputs are named after the input's whole file name with only its last suffix replaced
(``Screen Shot at 2.16.54 PM.png`` -> ``Screen Shot at 2.16.54 PM.summary.json``). When the output folder
already holds outputs of a *different* input under that name (``a.mp4`` then ``a.mov``, or the same name
from another folder; told apart by the SHA-256 of the input recorded in the existing summary or track),
another name is chosen: the whole input name (``a.mov.summary.json``), then ``a-2``, ``a-3``, ...
Analysing the same input again replaces its own outputs.

A name is claimed by creating its summary file exclusively before the analysis starts (the summary is
written in full at the end), so two analyses running at once into one folder never pick the same name.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

# every file analyze_file may write, as the suffix after the name
OUTPUT_SUFFIXES = (".summary.json", ".pose.npz", ".assessment.json", ".movement.json", ".keyframe.png",
                   ".annotated.mp4", ".annotated.png", ".landmarks.csv")
MAX_TRIES = 1000


@dataclass
class OutputName:
    """The name chosen for an input's outputs.

    Attributes
    ----------
    stem : str
        Outputs are ``<stem>.summary.json`` and so on.
    note : str
        Why another name than the usual one was chosen (empty when it was not).
    claimed : bool
        True when this call created the placeholder summary (remove it with :meth:`release` if the
        analysis fails before writing anything).
    """

    stem: str
    note: str
    claimed: bool
    folder: Path

    def release(self) -> None:
        """Remove the placeholder summary created by the claim (nothing else was written)."""
        if self.claimed:
            (self.folder / f"{self.stem}.summary.json").unlink(missing_ok=True)
            self.claimed = False


def output_stem(file_name: str) -> str:
    """The input's file name without its last suffix (``"a.b.mp4"`` -> ``"a.b"``); ``"input"`` if empty."""
    name = Path(file_name).name
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return stem or "input"


def outputs_owner(folder: Path, stem: str) -> str | None:
    """The SHA-256 of the input whose outputs are named ``stem`` in ``folder``: None when there are no such
    outputs, ``""`` when there are some but their input cannot be told (treated as another input's)."""
    summary = folder / f"{stem}.summary.json"
    if summary.exists():
        try:
            return str(json.loads(summary.read_text())["source"]["sha256"])
        except (OSError, ValueError, KeyError, TypeError):
            return ""
    track = folder / f"{stem}.pose.npz"
    if track.exists():
        try:
            import numpy as np

            with np.load(track, allow_pickle=False) as z:
                return str(json.loads(str(z["meta"]))["source"]["sha256"])
        except (OSError, ValueError, KeyError, TypeError):
            return ""
    if any((folder / f"{stem}{s}").exists() for s in OUTPUT_SUFFIXES):
        return ""
    return None


def _candidates(file_name: str):
    stem = output_stem(file_name)
    yield stem
    whole = Path(file_name).name
    if whole != stem:
        yield whole
    for i in range(2, MAX_TRIES):
        yield f"{stem}-{i}"


def claim_output_name(folder: str | Path, file_name: str, sha256: str, display: str | None = None) -> OutputName:
    """Choose and claim the name of an input's outputs in ``folder`` (see the module docstring).

    Parameters
    ----------
    folder : path
        The output folder (must exist).
    file_name : str
        The input's file name (a path is reduced to its name).
    sha256 : str
        The input's SHA-256 (:attr:`vision.sources.SourceInfo.sha256`).
    display : str, optional
        The input's name as shown to the user, for the note.
    """
    folder = Path(folder)
    usual = output_stem(file_name)
    for stem in _candidates(file_name):
        owner = outputs_owner(folder, stem)
        if owner == sha256 and sha256:
            return OutputName(stem, _note(usual, stem, folder, display or file_name), False, folder)
        if owner is None:
            placeholder = json.dumps({"source": {"sha256": sha256}, "status": "being analysed"})
            try:
                fd = os.open(folder / f"{stem}.summary.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another analysis claimed it just now
                continue
            with os.fdopen(fd, "w") as f:
                f.write(placeholder)
            return OutputName(stem, _note(usual, stem, folder, display or file_name), True, folder)
    raise RuntimeError(f"no free output name for {file_name} in {folder} after {MAX_TRIES} tries")


def _note(usual: str, stem: str, folder: Path, shown: str) -> str:
    if stem == usual:
        return ""
    return (f"outputs of {shown} are named {stem}.* because {folder} already holds outputs named {usual}.* "
            "from another input (kept, not overwritten)")
