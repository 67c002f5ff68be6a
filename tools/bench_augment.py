#!/usr/bin/env python3
"""Paraphrase throughput with the quality gate (instructions/second), our side only.

There is no independent implementation of this pipeline to run beside it; the figure is
recorded in BENCHMARKS.md to watch for regressions. Run: make bench (or, after a release
build, python3 tools/bench_augment.py).
"""
import json
import os
import subprocess

BENCH = os.environ.get("LISAKIT_BENCH", os.path.join(os.path.dirname(__file__), "..", ".build", "release", "lisakit-bench"))

MODELS = os.environ.get("LISAKIT_MODELS", os.path.join(os.path.dirname(__file__), "..", "models"))
runs = [(2000, "hashing")]
if os.path.exists(os.path.join(MODELS, "all-MiniLM-L6-v2", "model.safetensors")):
    runs.append((2000, "minilm"))
for count, embedder in runs:
    result = json.loads(subprocess.run([BENCH, "augment", str(count), embedder, MODELS], check=True, capture_output=True, text=True).stdout)
    print(f"paraphrase+gate, rules backend, {result['embedder']} embedder: {count} instructions in {result['seconds']:.2f} s "
          f"= {result['instructions_per_second']:.0f} instructions/s ({result['accepted']} of {result['candidates']} candidates accepted)")
