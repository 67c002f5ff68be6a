#!/usr/bin/env python3
"""MiniLM speed: our SentenceEncoder (lisakit-bench minilm) vs sentence-transformers on PyTorch,
in the same run with the same thread count, plus sgemm peak and encoder GFLOP/s.

Workload: the 236 parity sentences of tools/minilm_fixtures.py (short, long, CJK, emoji, 10
truncated at 256 tokens), batch 32, and its subset of ≤ 32-token sentences. Figures are the best
of --rounds passes (the CPU time is that of the best wall-time pass; on a shared machine the
CPU-time ratios are the steadier figures). From text: `SentenceTransformer.encode` vs `SentenceEncoder.embed([String])`
(both tokenize, encode, pool, normalize), in wall time and in process CPU time (steadier on a
shared machine). Encoder only: the PyTorch BertModel forward on the recorded padded batches vs
`embed(tokenIDs:)` on the same ids.

OpenBLAS picks its CPU kernel at load time; OPENBLAS_CORETYPE, when the machine sets it, is
passed through untouched and the kernel that ran is printed. When it is unset and OpenBLAS falls
back to a generic kernel on an AVX-512 CPU, a second, labelled run with OPENBLAS_CORETYPE=SkylakeX
shows what the code does with a matching kernel.

    /tmp/refenv-model/bin/python tools/bench_model.py [--threads N] [--rounds 3] [--bin PATH]
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "Tests/ModelTests/Fixtures/minilm/sentences.json"
MODEL = pathlib.Path(os.environ.get("LISAKIT_MODELS", ROOT / "models")) / "all-MiniLM-L6-v2"


def best(rounds, fn):
    t = float("inf")
    for _ in range(rounds):
        s = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - s)
    return t


def bench_binary(path):
    if path:
        return path
    scratch = os.environ.get("LISAKIT_SCRATCH", ".build")
    subprocess.run(["swift", "build", "-c", "release", "--scratch-path", scratch, "--product", "lisakit-bench"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run(["swift", "build", "-c", "release", "--scratch-path", scratch, "--show-bin-path"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    return str(pathlib.Path(out) / "lisakit-bench")


def run_ours(binary, threads, rounds, coretype=None):
    env = dict(os.environ, LISAKIT_THREADS=str(threads), OPENBLAS_NUM_THREADS="1")
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    out = subprocess.run([binary, "minilm", "--ids", str(FIXTURE), "--model", str(MODEL), "--batch", "32",
                          "--rounds", str(rounds)], env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def cpu_has_avx512():
    try:
        return "avx512f" in pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--bin", default=os.environ.get("LISAKIT_BENCH"))
    args = ap.parse_args()
    if not (MODEL / "model.safetensors").exists():
        sys.exit(f"{MODEL} missing: run tools/install-models.sh")

    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(args.threads)
    fixture = json.loads(FIXTURE.read_text())
    sentences = fixture["sentences"]
    lengths = [sum(m) for m in fixture["attention_mask"]]
    short = [s for s, n in zip(sentences, lengths) if n <= 32]
    model = SentenceTransformer(str(MODEL), device="cpu")
    model.encode(sentences[:32], batch_size=32)  # warm-up

    def best_cpu(fn):
        wall, cpu = float("inf"), 0.0
        for _ in range(args.rounds):
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            w, c = time.perf_counter() - w0, time.process_time() - c0
            if w < wall:
                wall, cpu = w, c
        return wall, cpu

    peer = {}
    wall, cpu = best_cpu(lambda: model.encode(sentences, batch_size=32))
    peer["encode_all"], peer["encode_all_cpu"] = len(sentences) / wall, len(sentences) / cpu
    wall, cpu = best_cpu(lambda: model.encode(short, batch_size=32))
    peer["encode_short"], peer["encode_short_cpu"] = len(short) / wall, len(short) / cpu
    # Forward only, on the recorded padded batches of 32.
    bert = model[0].auto_model
    batches = []
    for i in range(0, len(sentences), 32):
        ids = fixture["input_ids"][i:i + 32]
        mask = fixture["attention_mask"][i:i + 32]
        width = max(sum(m) for m in mask)
        batches.append((torch.tensor([r[:width] for r in ids]), torch.tensor([r[:width] for r in mask])))

    def forward_all():
        with torch.inference_mode():
            for ids, mask in batches:
                bert(input_ids=ids, attention_mask=mask)
    wall, cpu = best_cpu(forward_all)
    peer["forward_all"], peer["forward_all_cpu"] = len(sentences) / wall, len(sentences) / cpu
    a = torch.rand(4096, 4096)
    b = torch.rand(4096, 4096)
    peer["sgemm_gflops"] = 2 * 4096 ** 3 / best(3, lambda: a @ b) / 1e9

    binary = bench_binary(args.bin)
    runs = [("default", run_ours(binary, args.threads, args.rounds))]
    if runs[0][1]["blas_core"] in ("Prescott", "Core2", "Nehalem") and "OPENBLAS_CORETYPE" not in os.environ \
            and cpu_has_avx512():
        runs.append(("OPENBLAS_CORETYPE=SkylakeX", run_ours(binary, args.threads, args.rounds, "SkylakeX")))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"## MiniLM (all-MiniLM-L6-v2), batch 32, {args.threads} threads, best of {args.rounds}, load average {load:.1f}")
    print(f"workload: {len(sentences)} sentences ({sum(lengths)} tokens, 10 truncated at 256); short subset: {len(short)} sentences ≤ 32 tokens")
    print(f"PyTorch {torch.__version__}: sgemm 4096² {peer['sgemm_gflops']:.1f} GFLOP/s")
    print(f"sentence-transformers encode from text: all {peer['encode_all']:.1f} sent/s ({peer['encode_all_cpu']:.1f} per CPU-s), "
          f"short {peer['encode_short']:.1f} sent/s ({peer['encode_short_cpu']:.1f} per CPU-s)")
    print(f"PyTorch BertModel forward on the recorded ids (padded batches): all {peer['forward_all']:.1f} sent/s "
          f"({peer['forward_all_cpu']:.1f} per CPU-s)")
    for label, ours in runs:
        print(f"ours [{label}]: OpenBLAS kernel {ours['blas_core']} ({ours['blas_config']}), "
              f"OpenBLAS threads {ours['blas_threads']}, {ours['workers']} workers")
        print(f"  from text: all {ours['sentences_per_second']:.1f} sent/s = x{ours['sentences_per_second'] / peer['encode_all']:.2f} "
              f"(CPU: {ours['sentences_per_cpu_second']:.1f} per CPU-s = x{ours['sentences_per_cpu_second'] / peer['encode_all_cpu']:.2f}); "
              f"short {ours['short_sentences_per_second']:.1f} sent/s = x{ours['short_sentences_per_second'] / peer['encode_short']:.2f} "
              f"(CPU: x{ours['short_sentences_per_cpu_second'] / peer['encode_short_cpu']:.2f})")
        print(f"  encoder only (recorded ids): all {ours['ids_sentences_per_second']:.1f} sent/s = "
              f"x{ours['ids_sentences_per_second'] / peer['forward_all']:.2f} vs PyTorch forward "
              f"(CPU: {ours['ids_sentences_per_cpu_second']:.1f} per CPU-s = x{ours['ids_sentences_per_cpu_second'] / peer['forward_all_cpu']:.2f})")
        print(f"  sgemm 4096² {ours['sgemm_4096_gflops']:.1f} GFLOP/s; encoder on 32×128 tokens {ours['encoder_gflops']:.1f} GFLOP/s "
              f"= {100 * ours['encoder_efficiency']:.0f}% of that peak ({ours['forward_32x128_ms']:.0f} ms)")
        print(f"  load {ours['load_seconds'] * 1000:.0f} ms; widening every encoder weight from bf16 takes "
              f"{ours['bf16_widen_all_weights_ms']:.1f} ms (the per-pass cost of on-the-fly conversion)")


if __name__ == "__main__":
    main()
