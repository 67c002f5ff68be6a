"""SAM image encoder: Meta's PyTorch code beside `lisakit-bench sam`, same weights, same threads, same run.

Both peers run as child processes one after the other on the same random-weight checkpoint
(tools/sam_vit_b_check.py writes it once under --out) and the same photo: PyTorch through
`SamPredictor.set_image` (preprocessing + encoder; the encoder alone is timed too), Swift through
`lisakit-bench sam` with LISAKIT_THREADS set to the same thread count. Prints both times, the
ratio, each peer's peak resident memory, and the relative error of our embedding against
PyTorch's. `--vit-h` adds the ViT-H run (2.5 GB checkpoint) for peak memory.

    /tmp/refenv-model/bin/python tools/bench_sam.py [--bench .build/release/lisakit-bench] [--threads 2] [--vit-h]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))


def torch_child(kind: str, checkpoint: str, image_path: str, threads: int, rounds: int, embedding_out: str) -> None:
    """Runs in a child process: Meta's predictor on the photo; prints a JSON line."""
    import numpy as np
    import torch
    from PIL import Image
    from segment_anything import SamPredictor, sam_model_registry

    torch.set_num_threads(threads)
    start = time.perf_counter()
    sam = sam_model_registry[kind]().eval()
    sam.load_state_dict(torch.load(checkpoint, map_location="cpu"))
    load = time.perf_counter() - start
    predictor = SamPredictor(sam)
    image = np.array(Image.open(image_path).convert("RGB"))
    set_image = []
    for _ in range(rounds):
        t = time.perf_counter()
        predictor.set_image(image)
        set_image.append(time.perf_counter() - t)
    resized = predictor.transform.apply_image(image)
    x = sam.preprocess(torch.as_tensor(resized).permute(2, 0, 1).contiguous()[None])
    with torch.no_grad():
        t, c = time.perf_counter(), time.process_time()
        sam.image_encoder(x)
        encoder, encoder_cpu = time.perf_counter() - t, time.process_time() - c
    Path(embedding_out).write_bytes(predictor.features.contiguous().numpy().astype("<f4").tobytes())
    print(json.dumps({"load_seconds": load, "set_image_seconds_best": min(set_image),
                      "set_image_seconds_first": set_image[0], "encoder_seconds": encoder,
                      "encoder_cpu_seconds": encoder_cpu,
                      "threads": torch.get_num_threads(), "torch": torch.__version__,
                      "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


def run_child(cmd, env=None) -> dict:
    """Runs one peer; each reports its own peak resident memory (ru_maxrss / VmHWM)."""
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def memory_only(kind: str, args, out: Path) -> dict:
    """Our encoder alone on a large model: load + encode time and peak resident memory."""
    from sam_vit_b_check import ensure_checkpoint

    checkpoint = str(ensure_checkpoint(out, kind))
    env = dict(os.environ, LISAKIT_THREADS=str(args.threads))
    run = run_child([args.bench, "sam", "--checkpoint", checkpoint, "--config", kind, "--image", args.image], env=env)
    print(f"SAM {kind} image encoder, LisaKit only (OpenBLAS {run['blas_core']}): peak RSS {run['peak_rss_gib']:.2f} GiB "
          f"({run['peak_rss_after_load_bytes'] / 2**30:.2f} GiB after load), load {run['load_seconds']:.1f} s, "
          f"encoder {run['encode_seconds_best']:.1f} s ({run['encode_cpu_seconds']:.1f} CPU s)")
    return {"kind": kind, "checkpoint": checkpoint, "swift": run}


def compare(kind: str, args, out: Path) -> dict:
    from sam_vit_b_check import ensure_checkpoint

    checkpoint = str(ensure_checkpoint(out, kind))
    reference = str(out / f"{kind}_bench_embedding.f32")
    torch_report = run_child(
        [sys.executable, __file__, "--child-torch", kind, checkpoint, args.image, str(args.threads),
         str(args.rounds), reference])
    env = dict(os.environ, LISAKIT_THREADS=str(args.threads))
    swift = run_child([args.bench, "sam", "--checkpoint", checkpoint, "--config", kind, "--image", args.image,
                          "--rounds", str(args.rounds), "--reference", reference], env=env)
    report = {"kind": kind, "checkpoint": checkpoint, "torch": torch_report, "swift": swift}
    runs = [("default", swift)]
    # Debian's OpenBLAS falls back to its generic SSE3 kernel on CPUs it does not know (see
    # BENCHMARKS.md, Model); when our GEMM runs on OpenBLAS (no AVX2: LisaKit's own SGEMM is not
    # used), add a labelled run with the AVX-512 kernel OpenBLAS has.
    if ("OPENBLAS_CORETYPE" not in os.environ and swift.get("gemm_kernel", "openblas").lower().startswith("openblas")
            and swift["blas_core"].lower() == "prescott" and avx512()):
        skx = run_child([args.bench, "sam", "--checkpoint", checkpoint, "--config", kind, "--image", args.image,
                         "--rounds", str(args.rounds), "--reference", reference],
                        env=dict(env, OPENBLAS_CORETYPE="SkylakeX"))
        report["swift_skylakex"] = skx
        runs.append(("OPENBLAS_CORETYPE=SkylakeX", skx))
    print(f"SAM {kind} image encoder at 1024², {args.threads} threads, {Path(args.image).name}:")
    print(f"  PyTorch {torch_report['torch']}: encoder {torch_report['encoder_seconds']:.2f} s "
          f"({torch_report['encoder_cpu_seconds']:.1f} CPU s), "
          f"set_image {torch_report['set_image_seconds_best']:.2f} s, "
          f"peak RSS {torch_report['peak_rss_bytes'] / 2**30:.2f} GiB")
    for label, run in runs:
        ratio = torch_report["encoder_seconds"] / run["encode_seconds_best"]
        cpu_ratio = torch_report["encoder_cpu_seconds"] / run["encode_cpu_seconds"]
        total = torch_report["set_image_seconds_best"] / (run["encode_seconds_best"] + run["preprocess_seconds"])
        kernel = run.get("gemm_kernel", "?")
        if kernel.lower().startswith("openblas"):
            kernel = f"OpenBLAS {run['blas_core']}"
        print(f"  LisaKit, GEMM {kernel} ({label}): encoder {run['encode_seconds_best']:.2f} s "
              f"({run['encode_cpu_seconds']:.1f} CPU s), "
              f"preprocess {run['preprocess_seconds'] * 1000:.1f} ms, peak RSS {run['peak_rss_gib']:.2f} GiB, "
              f"load {run['load_seconds']:.2f} s; speed-up encoder {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU, set_image {total:.2f}x; "
              f"embedding max rel diff {run['max_rel_diff']:.2e}")
        report[f"encoder_speedup_{label}"] = ratio
        report[f"encoder_cpu_speedup_{label}"] = cpu_ratio
    return report


def avx512() -> bool:
    try:
        return "avx512f" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child-torch":
        kind, checkpoint, image, threads, rounds, out = sys.argv[2:8]
        torch_child(kind, checkpoint, image, int(threads), int(rounds), out)
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=str(ROOT / ".build/release/lisakit-bench"))
    ap.add_argument("--image", default=str(ROOT / "samples/images/rocket.jpg"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--out", default="/tmp/lisakit-sam")
    ap.add_argument("--vit-h", action="store_true", help="also run our ViT-H encoder (2.5 GB checkpoint) for peak memory")
    ap.add_argument("--vit-h-peer", action="store_true", help="with --vit-h, run PyTorch's ViT-H beside it too")
    ap.add_argument("--json", help="write the full report here")
    args = ap.parse_args()
    if not Path(args.bench).exists():
        sys.exit(f"{args.bench} not found: swift build -c release --product lisakit-bench")
    out = Path(args.out)
    reports = [compare("vit_b", args, out)]
    if args.vit_h:
        reports.append(compare("vit_h", args, out) if args.vit_h_peer else memory_only("vit_h", args, out))
    if args.json:
        Path(args.json).write_text(json.dumps(reports, indent=2) + "\n")


if __name__ == "__main__":
    main()
