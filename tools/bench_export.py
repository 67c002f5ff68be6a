#!/usr/bin/env python3
"""WebDataset export throughput (MB/s of shards written) beside `tar` and `cp` writing the
same bytes in the same run.

Ours: `lisakit-bench export run` exports a store of N distinct 640x480 JPEGs (one RLE mask and
two instructions each) to tar shards: it reads each image from its dataset root, builds the
sample JSON, encodes the mask PNG, writes the ustar members, hashes each shard with SHA-256 and
fsyncs it. The peers get the members our export produced, already extracted to files, in
archive order: GNU `tar cf` writes them into one archive (fsynced), `cp` copies the files (then
`sync`). Each figure is the best of REPEATS runs with a warm page cache; MB are 1e6 bytes of
output. Run: make bench (or, after a release build, python3 tools/bench_export.py [N]).
"""
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

BENCH = os.environ.get("LISAKIT_BENCH", os.path.join(os.path.dirname(__file__), "..", ".build", "release", "lisakit-bench"))
COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 400
REPEATS = 3


def best(runs):
    return min(runs)


def main():
    work = tempfile.mkdtemp(prefix="lisakit-bench-export-")
    try:
        subprocess.run([BENCH, "export", "setup", work, str(COUNT)], check=True, capture_output=True)
        out = os.path.join(work, "out")
        ours = []
        for _ in range(REPEATS):
            result = json.loads(subprocess.run([BENCH, "export", "run", work, out], check=True, capture_output=True, text=True).stdout)
            ours.append(result["seconds"])
        total = result["bytes"]
        shards = sorted(f for f in os.listdir(out) if f.endswith(".tar"))

        # The same members, extracted, in archive order.
        staging = os.path.join(work, "staging")
        os.makedirs(staging)
        names = []
        for shard in shards:
            with tarfile.open(os.path.join(out, shard)) as archive:
                for member in archive.getmembers():
                    names.append(member.name)
                archive.extractall(staging, filter="data") if hasattr(tarfile, "data_filter") else archive.extractall(staging)
        listing = os.path.join(work, "files.txt")
        with open(listing, "w") as f:
            f.write("\n".join(names) + "\n")
        member_bytes = sum(os.path.getsize(os.path.join(staging, n)) for n in names)

        tar_runs, tar_size = [], 0
        target = os.path.join(work, "peer.tar")
        for _ in range(REPEATS):
            if os.path.exists(target):
                os.remove(target)
            start = time.perf_counter()
            subprocess.run(["tar", "cf", target, "--format=ustar", "-C", staging, "-T", listing], check=True)
            fd = os.open(target, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)
            tar_runs.append(time.perf_counter() - start)
            tar_size = os.path.getsize(target)

        cp_runs = []
        copy = os.path.join(work, "copy")
        for _ in range(REPEATS):
            shutil.rmtree(copy, ignore_errors=True)
            start = time.perf_counter()
            subprocess.run(["cp", "-r", staging, copy], check=True)
            subprocess.run(["sync", "-f", copy], check=True)
            cp_runs.append(time.perf_counter() - start)

        ours_mbs = total / 1e6 / best(ours)
        tar_mbs = tar_size / 1e6 / best(tar_runs)
        cp_mbs = member_bytes / 1e6 / best(cp_runs)
        print(f"webdataset export, {COUNT} images / {result['samples']} samples, {len(shards)} shard(s), {total / 1e6:.1f} MB")
        print(f"  lisakit export webdataset : {ours_mbs:8.1f} MB/s  ({best(ours):.3f} s; reads images, JSON, mask PNG, SHA-256, fsync)")
        print(f"  tar cf (same members)     : {tar_mbs:8.1f} MB/s  ({best(tar_runs):.3f} s; {tar_size / 1e6:.1f} MB, fsync)")
        print(f"  cp -r (same member files) : {cp_mbs:8.1f} MB/s  ({best(cp_runs):.3f} s; {member_bytes / 1e6:.1f} MB, sync)")
        print(f"  ratio ours/tar = {ours_mbs / tar_mbs:.2f}, ours/cp = {ours_mbs / cp_mbs:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
