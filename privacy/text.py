"""Text from users, made safe for where it goes: names that can be folder names, CSV cells that a
spreadsheet cannot run, terminal output that cannot carry control codes, one-line names for reports.
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path

MAX_NAME = 64
# letters and digits of any script, then letters, digits, '.', '-' or '_'; never '/', '\\', a space, '..' alone
_SAFE = re.compile(r"[^\W_][\w.-]*")
NAME_RULE = (f"up to {MAX_NAME} letters, digits, '-', '_' or '.', starting with a letter or digit "
             "(no spaces or slashes)")

# a spreadsheet treats a cell that starts with one of these as a formula (OWASP "CSV injection"); the
# full-width forms too in some locales
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def is_safe_name(name: str) -> bool:
    """Whether ``name`` may be used as a client code or a folder name (see :data:`NAME_RULE`)."""
    return isinstance(name, str) and 0 < len(name) <= MAX_NAME and _SAFE.fullmatch(name) is not None


def check_name(name: str, what: str = "name") -> str:
    """``name`` stripped of surrounding spaces, or ``ValueError`` saying the rule when it is not safe."""
    s = str(name).strip() if name is not None else ""
    if not is_safe_name(s):
        shown = printable(s)[:80]
        raise ValueError(f"{what} {shown!r} is not allowed: use {NAME_RULE}")
    return s


def contained(base: str | Path, name: str) -> Path:
    """``base / name`` for a safe ``name``, checked to stay inside ``base`` (``ValueError`` otherwise)."""
    base = Path(base).expanduser().resolve()
    dest = (base / check_name(name, "the folder name")).resolve()
    if dest.parent != base:
        raise ValueError(f"{name!r} would leave the folder {base}")
    return dest


def csv_cell(value):
    """A CSV cell that a spreadsheet shows as text: a text cell starting with ``= + - @``, tab or carriage
    return gets a leading apostrophe. Numbers (also numbers written as text, e.g. ``-3.5``) stay numbers."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START) or value == "-":
        return value
    try:
        if math.isfinite(float(value)):
            return value
    except ValueError:
        pass
    return "'" + value


def csv_row(values) -> list:
    """:func:`csv_cell` on every cell of a row."""
    return [csv_cell(v) for v in values]


def unicode_text(value: str, what: str = "text") -> str:
    """``value`` if it is valid Unicode text, else ``ValueError`` (a name typed in a terminal whose bytes are
    not UTF-8 reaches Python as lone surrogates, which no database can store)."""
    try:
        str(value).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"the {what} is not valid UTF-8 text: type it again in a UTF-8 terminal") from None
    return str(value)


def display_text(value) -> str:
    """Any string (also a file name with bytes that are not UTF-8) as valid Unicode, undecodable bytes
    shown as U+FFFD."""
    if value is None:
        return ""
    s = str(value)
    try:
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        return s.encode("utf-8", "replace").decode("utf-8")


def printable(value) -> str:
    """Text for a terminal: control characters (escape sequences, bell, carriage return, bidirectional
    overrides ...) shown as ``\\xNN`` / ``\\uNNNN`` instead of being obeyed; not UTF-8 bytes as U+FFFD."""
    out = []
    for ch in display_text(value):
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Zl", "Zp", "Co", "Cn") and ch not in ("\u200d",):  # keep emoji joiners
            o = ord(ch)
            out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")
        else:
            out.append(ch)
    return "".join(out)


def one_line(value, limit: int | None = None) -> str:
    """``value`` on one line: every run of whitespace (newlines, tabs) becomes one space; cut to ``limit``
    characters with an ellipsis."""
    s = " ".join(display_text(value).split())
    if limit is not None and len(s) > limit:
        s = s[: limit - 1].rstrip() + "\u2026"
    return s


def unique_names(names: list[str]) -> list[str]:
    """File names made unique in order: a repeated ``clip.mp4`` becomes ``clip (2).mp4``, ``clip (3).mp4``."""
    seen: set[str] = set()
    out = []
    for n in names:
        cand, k = n, 1
        stem, suffix = Path(n).stem, Path(n).suffix
        while cand.lower() in seen:
            k += 1
            cand = f"{stem} ({k}){suffix}"
        seen.add(cand.lower())
        out.append(cand)
    return out


_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def md_escape(value) -> str:
    """Text a user typed (a name, label, file name), on one line, for a place that renders Markdown
    (Streamlit's messages and headings): every ASCII punctuation mark is backslash-escaped, so no emphasis,
    link, image (which the browser would fetch from anywhere), heading, LaTeX or ``:color[...]`` directive
    is made of it, and a word joiner follows each colon so ``:emoji:`` and ``:material/...:`` shortcodes do
    not match. Where no Markdown is needed at all, show user text with ``st.text``."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(value)).replace(":", ":\u2060")


def md_unescape(value: str) -> str:
    """The text :func:`md_escape` was given (for tests and logs)."""
    return re.sub(r"\\(.)", r"\1", value.replace(":\u2060", ":"))
