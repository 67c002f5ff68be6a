#!/usr/bin/env python3
"""Benchmark: our zip / pickle / PyTorch-checkpoint / sha256 readers beside Python's, same run.

Peers: torch.load (weights_only=True) + converting every tensor to float32; pickle.loads (the C
unpickler) on a RefCOCO-sized refs list; zipfile reading every entry; hashlib.sha256 (OpenSSL).
Our side: `lisakit-bench serialization KIND FILE REPEATS` (release build). Best of N for both.

Run: LISAKIT_BENCH=.build/release/lisakit-bench /tmp/refenv/bin/python tools/bench_serialization.py
"""
import hashlib, json, os, pickle, shutil, subprocess, sys, tempfile, time, zipfile

REPEATS = 3
BENCH = os.environ.get("LISAKIT_BENCH", os.path.join(os.path.dirname(__file__), "..", ".build", "release", "lisakit-bench"))


def best(fn, repeats=REPEATS):
    t = float("inf")
    out = None
    for _ in range(repeats):
        s = time.perf_counter()
        out = fn()
        t = min(t, time.perf_counter() - s)
    return t, out


def ours(kind, path):
    res = subprocess.run([BENCH, "serialization", kind, path, str(REPEATS)], check=True, capture_output=True, text=True)
    return json.loads(res.stdout)


def refs(n):
    out = []
    for i in range(n):
        sents = [{"tokens": ["the", "man", "in", "a", "red", "shirt", str(j)], "raw": f"The man in a red shirt {j}",
                  "sent_id": i * 3 + j, "sent": f"the man in a red shirt {j}"} for j in range(3)]
        out.append({"image_id": 500000 + i, "split": "train" if i % 10 else "val", "sentences": sents,
                    "file_name": f"COCO_train2014_{500000 + i:012d}_{i}.jpg", "category_id": i % 80 + 1,
                    "ann_id": 1000000 + i, "sent_ids": [i * 3, i * 3 + 1, i * 3 + 2], "ref_id": i})
    return out


def report(name, peer_name, peer_s, our_s, unit_count=None, unit=None):
    ratio = peer_s / our_s
    extra = ""
    if unit_count:
        extra = f"  ({unit_count / peer_s:,.0f} vs {unit_count / our_s:,.0f} {unit}/s)"
    print(f"{name:<28} {peer_name:<34} {peer_s * 1000:9.1f} ms   ours {our_s * 1000:9.1f} ms   speedup x{ratio:5.2f}{extra}")


def main():
    tmp = tempfile.mkdtemp(prefix="bench-ser-")
    try:
        run(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(tmp):
    import torch
    torch.set_num_threads(2)
    print(f"torch {torch.__version__}, python {sys.version.split()[0]}, best of {REPEATS}, binary {BENCH}")

    # 1. RefCOCO-sized refs pickle (refs(unc).p holds ~50k refs / 142k sentences).
    p = os.path.join(tmp, "refs.p")
    with open(p, "wb") as f:
        pickle.dump(refs(50000), f, protocol=2)
    size = os.path.getsize(p)
    peer, n = best(lambda: len(pickle.loads(open(p, "rb").read())))
    o = ours("pickle", p)
    assert o["check"] == str(n), (o, n)
    report(f"pickle refs ({size / 1e6:.0f} MB)", "pickle.loads (C)", peer, o["seconds"], size / 1e6, "MB")

    # 2. PyTorch checkpoint: 96 MB state dict of f32/f16/bf16 tensors, loaded and made float32.
    sd = {}
    g = torch.Generator().manual_seed(0)
    for i in range(24):
        sd[f"layer{i}.w32"] = torch.randn(512, 1024, generator=g)
        sd[f"layer{i}.w16"] = torch.randn(512, 512, generator=g).half()
        sd[f"layer{i}.wbf"] = torch.randn(512, 512, generator=g).bfloat16()
    p = os.path.join(tmp, "ckpt.pth")
    torch.save(sd, p)
    size = os.path.getsize(p)

    def torch_side():
        d = torch.load(p, weights_only=True)
        total = 0.0
        for t in d.values():
            total += float(t.float().sum())
        return len(d), round(total)
    peer, (n, total) = best(torch_side)
    o = ours("checkpoint", p)
    count, our_total = o["check"].split(":")
    assert int(count) == n and abs(int(our_total) - total) <= max(2, abs(total) * 1e-3), (o, n, total)
    report(f"checkpoint ({size / 1e6:.0f} MB)", "torch.load + .float()", peer, o["seconds"], size / 1e6, "MB")

    # 3. sha256 of the checkpoint file.
    peer, digest = best(lambda: hashlib.sha256(open(p, "rb").read()).hexdigest())
    o = ours("sha256", p)
    assert o["check"] == digest
    report(f"sha256 ({size / 1e6:.0f} MB)", "hashlib (OpenSSL)", peer, o["seconds"], size / 1e6, "MB")

    # 4. A mask zip like OpenImages': 3000 small deflated entries.
    p = os.path.join(tmp, "masks.zip")
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(3000):
            z.writestr(f"train-masks-0/{i:08x}_m0_{i}.png", bytes((i * j) % 7 for j in range(4000)))

    def zip_side():
        with zipfile.ZipFile(p) as z:
            return sum(len(z.read(i)) for i in z.infolist())
    peer, nbytes = best(zip_side)
    o = ours("zip", p)
    assert o["check"].split(":")[1] == str(nbytes)
    report("zip 3000 deflated entries", "zipfile", peer, o["seconds"], 3000, "entries")


if __name__ == "__main__":
    main()
