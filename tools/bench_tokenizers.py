#!/usr/bin/env python3
"""Tokenizer speed: Hugging Face `tokenizers` (Rust, via Python) vs LisaKit's Swift Tokenizer.

Both sides encode the same lines with the same tokenizer.json (truncation/padding off) after
one warm-up pass: one line at a time on one thread ("single"), and the whole list at once
("batch", all threads: rayon on the HF side, concurrentPerform on ours). Before timing, the
ids of every line are compared (parity check). Prints tokens/second and the ratio Swift/HF.

Our side runs `lisakit-bench tokenizer` ($LISAKIT_BENCH, else .build/release/lisakit-bench,
built with `swift build -c release --product lisakit-bench` when missing).
Tokenizers: the committed GPT-2-style and LLaMA-style fixtures, the WordPiece fixture, and the
real MiniLM / SmolLM2 files when installed under $LISAKIT_MODELS or ./models.

Usage: /tmp/refenv-tok/bin/python tools/bench_tokenizers.py [--repeat N]
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from tokenizer_corpus import HAND, TRAIN_TEXT, random_lines  # noqa: E402

from tokenizers import Tokenizer  # noqa: E402
import tokenizers  # noqa: E402


def bench_binary():
    path = os.environ.get("LISAKIT_BENCH") or os.path.join(ROOT, ".build", "release", "lisakit-bench")
    if not os.path.exists(path):
        subprocess.run(["swift", "build", "-c", "release", "--product", "lisakit-bench"], cwd=ROOT, check=True)
    return path


def lines():
    """Mostly ordinary prose (as the dataset tools tokenize), plus the hard corpus."""
    prose = [l.strip() for l in TRAIN_TEXT.strip().split("\n") if l.strip()]
    out = []
    for i in range(400):
        out.append(" ".join(prose[(i + k) % len(prose)] for k in range(3)))
    out += HAND + random_lines(600, seed=4242)
    return out


def tokenizers_to_bench():
    fx = os.path.join(ROOT, "Tests", "ModelTests", "Fixtures", "tokenizers")
    models = os.environ.get("LISAKIT_MODELS", os.path.join(ROOT, "models"))
    cands = [
        ("MiniLM WordPiece (real)", os.path.join(models, "all-MiniLM-L6-v2", "tokenizer.json")),
        ("SmolLM2 byte-level BPE (real, 49k)", os.path.join(models, "SmolLM2-135M-Instruct", "tokenizer.json")),
        ("GPT-2-style BPE (fixture)", os.path.join(fx, "gpt2-bpe", "tokenizer.json")),
        ("LLaMA-style BPE byte_fallback (fixture)", os.path.join(fx, "llama-bpe", "tokenizer.json")),
        ("LLaMA-3-style Split regex BPE (fixture)", os.path.join(fx, "variant-llama3", "tokenizer.json")),
        ("CLIP-style regex pipeline (fixture)", os.path.join(fx, "variant-clip", "tokenizer.json")),
    ]
    return [(n, p) for n, p in cands if os.path.exists(p)]


def hf_bench(path, data, repeat):
    tok = Tokenizer.from_file(path)
    tok.no_truncation()
    tok.no_padding()
    tokens = sum(len(tok.encode(l).ids) for l in data)  # warm-up
    t0 = time.perf_counter()
    c0 = time.process_time()
    for _ in range(repeat):
        for l in data:
            tok.encode(l)
    single = time.perf_counter() - t0
    single_cpu = time.process_time() - c0
    t0 = time.perf_counter()
    for _ in range(repeat):
        tok.encode_batch(data)
    batch = time.perf_counter() - t0
    return tok, tokens, single, single_cpu, batch


def main():
    repeat = 3
    if "--repeat" in sys.argv:
        repeat = int(sys.argv[sys.argv.index("--repeat") + 1])
    binary = bench_binary()
    data = lines()
    threads = os.cpu_count()
    print(f"tokenizers {tokenizers.__version__}; {len(data)} lines x {repeat} passes; "
          f"RAYON_NUM_THREADS={os.environ.get('RAYON_NUM_THREADS', 'unset')}; cpu_count={threads}")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
        input_path = f.name
    rows = []
    try:
        for name, path in tokenizers_to_bench():
            tok, tokens, hf_single, hf_single_cpu, hf_batch = hf_bench(path, data, repeat)
            dump = subprocess.run([binary, "tokenizer", "--tokenizer", path, "--input", input_path, "--dump"],
                                  check=True, capture_output=True, text=True).stdout
            ours_ids = json.loads(dump)
            same = sum(1 for l, ids in zip(data, ours_ids) if tok.encode(l).ids == ids)
            out = subprocess.run([binary, "tokenizer", "--tokenizer", path, "--input", input_path,
                                  "--repeat", str(repeat)], check=True, capture_output=True, text=True).stdout
            ours = json.loads(out)
            if int(ours["tokens_per_pass"]) != tokens:
                print(f"  warning: token counts differ ({int(ours['tokens_per_pass'])} vs {tokens})")
            hf1 = tokens * repeat / hf_single
            hfb = tokens * repeat / hf_batch
            hfc = tokens * repeat / hf_single_cpu
            rows.append((name, same, len(data), hf1, ours["single_tokens_per_s"], hfc, ours["single_tokens_per_cpu_s"],
                         hfb, ours["batch_tokens_per_s"]))
    finally:
        os.unlink(input_path)
    print()
    print(f"{'tokenizer':40} {'ids equal':>11} | {'1 thread wall: HF':>17} {'Swift':>9} {'ratio':>5} "
          f"| {'1 thread CPU: HF':>16} {'Swift':>9} {'ratio':>5} | {'batch wall: HF':>14} {'Swift':>9} {'ratio':>5}")
    for name, same, n, hf1, sw1, hfc, swc, hfb, swb in rows:
        print(f"{name:40} {same:>5}/{n:<5} | {hf1:>17,.0f} {sw1:>9,.0f} {sw1 / hf1:>5.2f} "
              f"| {hfc:>16,.0f} {swc:>9,.0f} {swc / hfc:>5.2f} | {hfb:>14,.0f} {swb:>9,.0f} {swb / hfb:>5.2f}")
    print("(tokens/second; ratio = Swift / HF, > 1 means LisaKit is faster. 'CPU' divides by the process CPU time,")
    print(" which other load on the machine disturbs less than wall time. HF single-line calls include the")
    print(" Python call overhead of tokenizers' binding; batch runs use all threads on both sides.)")


if __name__ == "__main__":
    main()
