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

Matrix products run LisaKit's own SGEMM on CPUs with AVX2+FMA or AVX-512 (GEMMKernel; the
environment is left as it is, and the kernel that ran is printed). An sgemm table compares, at
the same thread count, our kernels, OpenBLAS as it loads by default (OPENBLAS_CORETYPE passed
through untouched) and PyTorch, on MiniLM's projection shapes (batch-32 and batch-1 token
counts, weights stored n×k) and 1024²/4096² squares. Only when our kernel is not in use and
OpenBLAS falls back to a generic kernel on an AVX-512 CPU does a second, labelled encoder run
with OPENBLAS_CORETYPE=SkylakeX show what the code does with a matching kernel.

    /tmp/refenv-model/bin/python tools/bench_model.py [--threads N] [--rounds 3] [--batch 32] [--bin PATH]
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent

from benchlib import bench_binary  # noqa: E402  (tools/ is the script's folder)
FIXTURE = ROOT / "Tests/ModelTests/Fixtures/minilm/sentences.json"
MODEL = pathlib.Path(os.environ.get("LISAKIT_MODELS", ROOT / "models")) / "all-MiniLM-L6-v2"


def best(rounds, fn):
    t = float("inf")
    for _ in range(rounds):
        s = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - s)
    return t


def run_ours(binary, threads, rounds, batch, coretype=None):
    env = dict(os.environ, LISAKIT_THREADS=str(threads), OPENBLAS_NUM_THREADS="1")
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    out = subprocess.run([binary, "minilm", "--ids", str(FIXTURE), "--model", str(MODEL), "--batch", str(batch),
                          "--rounds", str(rounds)], env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# (m, n, k, B stored n×k): MiniLM's QKV / attention output / intermediate / output projections
# at a batch of 32 sentences (~850 tokens) and at one sentence (12 tokens), then squares.
SGEMM_SHAPES = [(850, 1152, 384, True), (850, 384, 384, True), (850, 1536, 384, True), (850, 384, 1536, True),
                (12, 1152, 384, True), (12, 1536, 384, True), (12, 384, 1536, True),
                (1024, 1024, 1024, False), (4096, 4096, 4096, False)]


def sgemm_table(binary, threads, rounds):
    import torch
    labels = [f"{m}x{n}x{k}" + (":t" if t else "") for m, n, k, t in SGEMM_SHAPES]
    env = dict(os.environ, LISAKIT_THREADS=str(threads), OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([binary, "sgemm", "--rounds", str(rounds)] + labels, env=env, check=True,
                         capture_output=True, text=True).stdout
    ours = json.loads(out.strip().splitlines()[-1])
    torch_gflops = []
    for m, n, k, t in SGEMM_SHAPES:
        a = torch.rand(m, k) - 0.5
        b = torch.rand(n, k) - 0.5 if t else torch.rand(k, n) - 0.5
        fn = (lambda: torch.nn.functional.linear(a, b)) if t else (lambda: a @ b)
        flops = 2 * m * n * k
        reps = max(1, int(1e8 / flops))

        def many():
            for _ in range(reps):
                fn()
        fn()
        torch_gflops.append(flops * reps / best(rounds, many) / 1e9)
    return ours, torch_gflops


def cpu_has_avx512():
    try:
        return "avx512f" in pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--no-sgemm", action="store_true", help="skip the sgemm table")
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
    batch = args.batch
    model.encode(sentences[:batch], batch_size=batch)  # warm-up

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
    wall, cpu = best_cpu(lambda: model.encode(sentences, batch_size=batch))
    peer["encode_all"], peer["encode_all_cpu"] = len(sentences) / wall, len(sentences) / cpu
    wall, cpu = best_cpu(lambda: model.encode(short, batch_size=batch))
    peer["encode_short"], peer["encode_short_cpu"] = len(short) / wall, len(short) / cpu
    # Forward only, on the recorded padded batches.
    bert = model[0].auto_model
    batches = []
    for i in range(0, len(sentences), batch):
        ids = fixture["input_ids"][i:i + batch]
        mask = fixture["attention_mask"][i:i + batch]
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
    runs = [("default", run_ours(binary, args.threads, args.rounds, batch))]
    if runs[0][1]["gemm_kernel"].startswith("OpenBLAS") and runs[0][1]["blas_core"] in ("Prescott", "Core2", "Nehalem") \
            and "OPENBLAS_CORETYPE" not in os.environ and cpu_has_avx512():
        runs.append(("OPENBLAS_CORETYPE=SkylakeX", run_ours(binary, args.threads, args.rounds, batch, "SkylakeX")))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    if not args.no_sgemm:
        ours, torch_gflops = sgemm_table(binary, args.threads, args.rounds)
        keys = [k for k, _ in ours["kernels"]]
        names = dict(ours["kernels"])
        print(f"## sgemm GFLOP/s, {args.threads} threads, best of {args.rounds} (':t' = B stored n×k); "
              f"GEMM.sgemm uses: {ours['default_kernel']}")
        print("| shape | " + " | ".join(names[k] for k in keys) + f" | PyTorch {torch.__version__} | default / PyTorch |")
        print("|---|" + "---:|" * (len(keys) + 2))
        for row, pt in zip(ours["results"], torch_gflops):
            cells = " | ".join(f"{row[k]:.1f}" for k in keys)
            print(f"| {row['shape']} | {cells} | {pt:.1f} | x{row[ours['default_key']] / pt:.2f} |")
    print(f"## MiniLM (all-MiniLM-L6-v2), batch {batch}, {args.threads} threads, best of {args.rounds}, load average {load:.1f}")
    print(f"workload: {len(sentences)} sentences ({sum(lengths)} tokens, 10 truncated at 256); short subset: {len(short)} sentences ≤ 32 tokens")
    print(f"PyTorch {torch.__version__}: sgemm 4096² {peer['sgemm_gflops']:.1f} GFLOP/s")
    print(f"sentence-transformers encode from text: all {peer['encode_all']:.1f} sent/s ({peer['encode_all_cpu']:.1f} per CPU-s), "
          f"short {peer['encode_short']:.1f} sent/s ({peer['encode_short_cpu']:.1f} per CPU-s)")
    print(f"PyTorch BertModel forward on the recorded ids (padded batches): all {peer['forward_all']:.1f} sent/s "
          f"({peer['forward_all_cpu']:.1f} per CPU-s)")
    for label, ours in runs:
        print(f"ours [{label}]: GEMM kernel {ours['gemm_kernel']}; OpenBLAS kernel {ours['blas_core']} ({ours['blas_config']}), "
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
