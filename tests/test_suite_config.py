"""The test run itself fails fast: a hanging test is stopped by pytest-timeout with a traceback."""

import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_suite_has_a_per_test_time_limit():
    opts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert 60 <= int(opts["timeout"]) <= 900


def test_a_hanging_test_fails_within_its_limit(tmp_path):
    (tmp_path / "test_hang.py").write_text("import time\n\ndef test_hangs():\n    time.sleep(120)\n")
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--timeout=2",
                           str(tmp_path / "test_hang.py")], cwd=tmp_path, capture_output=True, text=True, timeout=90)
    assert proc.returncode == 1, proc.stdout[-500:]
    assert "Timeout" in proc.stdout and "time.sleep" in proc.stdout  # the traceback shows where it hung
    assert time.monotonic() - t0 < 60
