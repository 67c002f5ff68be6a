#!/usr/bin/env python3
"""WebDataset export throughput (MB/s of shards written) beside `tar` and `cp` writing the
same bytes in the same run.

Ours: `lisakit-bench export run` exports a store of N distinct 640x480 JPEGs (one RLE mask and
two instructions each) to tar shards: it reads each image from its dataset root, builds the
sample JSON, encodes the mask PNG, writes the ustar members, hashes each shard with SHA-256 and
fsyncs it. The peers get the members our export produced, already extracted to files, in
archive order: GNU `tar cf` writes them into one archive (fsynced), `cp` copies the files (then
`sync`). Each figure is the best of REPEATS runs with a warm page cache; MB are 1e6 bytes of
output. Beside wall time, the CPU seconds (user + system) of each child process, which a
shared, loaded machine disturbs less. Last, SHA-256 alone over the biggest shard: ours with
the SHA-NI kernel, ours forced portable (LISAKIT_SIMD=baseline), and hashlib (OpenSSL).
Our side runs with OPENBLAS_NUM_THREADS=1, as in the other benchmarks: lisakit-bench links
OpenBLAS (for the model code), whose idle pool thread spins for ~0.1 s after the library loads,
which on a 2-core machine takes a core from the export (which uses no BLAS at all).
Run: make bench (or, after a release build, python3 tools/bench_export.py [N]).
"""
import hashlib
import json
import os
import resource
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


def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command, **kwargs):
    """Runs command; returns (wall seconds, child CPU seconds, completed process)."""
    cpu, start = child_cpu(), time.perf_counter()
    done = subprocess.run(command, check=True, **kwargs)
    return time.perf_counter() - start, child_cpu() - cpu, done


def main():
    work = tempfile.mkdtemp(prefix="lisakit-bench-export-")
    try:
        subprocess.run([BENCH, "export", "setup", work, str(COUNT)], check=True, capture_output=True)
        out = os.path.join(work, "out")
        ours, ours_cpu, ours_process = [], [], []
        ours_env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
        for _ in range(REPEATS):
            wall, cpu, done = timed([BENCH, "export", "run", work, out], capture_output=True, text=True, env=ours_env)
            result = json.loads(done.stdout)
            ours.append(result["seconds"])
            ours_process.append(wall)
            ours_cpu.append(cpu)
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

        tar_runs, tar_cpu, tar_size = [], [], 0
        target = os.path.join(work, "peer.tar")
        for _ in range(REPEATS):
            if os.path.exists(target):
                os.remove(target)
            start = time.perf_counter()
            _, cpu, _ = timed(["tar", "cf", target, "--format=ustar", "-C", staging, "-T", listing])
            fd = os.open(target, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)
            tar_runs.append(time.perf_counter() - start)
            tar_cpu.append(cpu)
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
        print(f"webdataset export, {COUNT} images / {result['samples']} samples, {len(shards)} shard(s), {total / 1e6:.1f} MB"
              f" (load average {os.getloadavg()[0]:.1f})")
        print(f"  lisakit export webdataset : {ours_mbs:8.1f} MB/s  ({best(ours):.3f} s; reads images, JSON, mask PNG, SHA-256, fsync)")
        print(f"  tar cf (same members)     : {tar_mbs:8.1f} MB/s  ({best(tar_runs):.3f} s; {tar_size / 1e6:.1f} MB, fsync)")
        print(f"  cp -r (same member files) : {cp_mbs:8.1f} MB/s  ({best(cp_runs):.3f} s; {member_bytes / 1e6:.1f} MB, sync)")
        print(f"  ratio ours/tar = {ours_mbs / tar_mbs:.2f}, ours/cp = {ours_mbs / cp_mbs:.2f}")
        # The figure above times the export inside our process (store open to last rename), as
        # tar's includes tar's own (tiny) start; with our process start and exit counted too:
        process_mbs = total / 1e6 / best(ours_process)
        print(f"  whole process, start to exit: ours {process_mbs:.1f} MB/s ({best(ours_process):.3f} s), "
              f"ratio ours/tar = {process_mbs / tar_mbs:.2f}")
        print(f"  CPU seconds (user+sys, best): ours {best(ours_cpu):.3f} (all threads, process start included), tar {best(tar_cpu):.3f}")

        # SHA-256 alone over the biggest shard.
        shard = max((os.path.join(out, f) for f in shards), key=os.path.getsize)
        size = os.path.getsize(shard)
        runs = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            with open(shard, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            runs.append(time.perf_counter() - start)
        print(f"  sha256 of {size / 1e6:.1f} MB: hashlib {size / 1e6 / best(runs):8.1f} MB/s")
        for label, env in (("ours (SHA-NI where present)", {}), ("ours, portable Swift", {"LISAKIT_SIMD": "baseline"})):
            done = subprocess.run([BENCH, "serialization", "sha256", shard, str(REPEATS)], check=True, capture_output=True,
                                  text=True, env={**os.environ, **env})
            result = json.loads(done.stdout)
            same = "same digest" if result["check"] == digest else "DIGEST DIFFERS"
            print(f"    {label:28s}: {size / 1e6 / result['seconds']:8.1f} MB/s ({same})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
