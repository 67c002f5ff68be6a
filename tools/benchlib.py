"""Shared by the tools/bench_*.py scripts (imported; not a benchmark itself)."""
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent


def bench_binary(path=None):
    """`path` if given, else builds lisakit-bench in release ($LISAKIT_SCRATCH or .build) and
    returns the built binary's path."""
    if path:
        return path
    scratch = os.environ.get("LISAKIT_SCRATCH", ".build")
    subprocess.run(["swift", "build", "-c", "release", "--scratch-path", scratch, "--product", "lisakit-bench"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run(["swift", "build", "-c", "release", "--scratch-path", scratch, "--show-bin-path"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    return str(pathlib.Path(out) / "lisakit-bench")
