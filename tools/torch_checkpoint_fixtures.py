#!/usr/bin/env python3
"""Generates tiny PyTorch checkpoints for Tests/ModelTests/Fixtures/torch with torch.save, and
expected.json with what torch.load reads back (dtype, shape, stride, storage offset, and the
logical values as raw little-endian bytes of the contiguous tensor).

Run: /tmp/refenv-ser/bin/python tools/torch_checkpoint_fixtures.py
"""
import collections, json, os, pickle, sys

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "ModelTests", "Fixtures", "torch")


def raw_hex(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16 or t.dtype == torch.float16:
        t = t.view(torch.int16)
    if t.dtype == torch.bool:
        t = t.to(torch.uint8)
    return t.numpy().tobytes().hex()


def describe(sd):
    out = {}
    for k, t in sd.items():
        out[k] = {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "stride": list(t.stride()),
                  "offset": t.storage_offset(), "hex": raw_hex(t)}
    return out


def state_dict():
    g = torch.Generator().manual_seed(7)
    base = torch.randn(3, 4, generator=g)
    shared = torch.arange(12, dtype=torch.float32)
    sd = collections.OrderedDict()
    sd["encoder.weight"] = torch.randn(2, 3, generator=g)
    sd["encoder.half"] = torch.tensor([0.5, -1.25, 65504.0, 6.1e-5], dtype=torch.float16)
    sd["encoder.bf16"] = torch.randn(3, 2, generator=g).to(torch.bfloat16)
    sd["encoder.double"] = torch.tensor([1.0 / 3.0, -2.5], dtype=torch.float64)
    sd["ids.int64"] = torch.tensor([0, -1, 2**40, -(2**62), 7], dtype=torch.int64)
    sd["ids.int32"] = torch.tensor([[1, -2], [3, 2**31 - 1]], dtype=torch.int32)
    sd["ids.int16"] = torch.tensor([-32768, 32767], dtype=torch.int16)
    sd["ids.int8"] = torch.tensor([-128, 5], dtype=torch.int8)
    sd["ids.uint8"] = torch.tensor([0, 255, 17], dtype=torch.uint8)
    sd["mask.bool"] = torch.tensor([True, False, True])
    sd["view.transposed"] = base.t()                   # strides (1, 4)
    sd["view.sliced"] = base[1:, ::2]                   # offset 4, strides (4, 2)
    sd["view.expanded"] = torch.tensor([1.0, 2.0]).unsqueeze(0).expand(3, 2)  # stride 0
    sd["shared.full"] = shared                          # two tensors over one storage
    sd["shared.tail"] = shared[6:].view(2, 3)
    sd["scalar"] = torch.tensor(3.5)
    sd["empty"] = torch.zeros(0, 3)
    return sd


class EvilSystem:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


class EvilEval:
    def __reduce__(self):
        return (eval, ("__import__('os').system('echo pwned')",))


def main():
    os.makedirs(os.path.join(OUT, "sharded"), exist_ok=True)
    sd = state_dict()
    expected = {"torch_version": torch.__version__, "files": {}}
    for proto in [2, 4, 5]:
        name = f"state_p{proto}.pth"
        torch.save(sd, os.path.join(OUT, name), pickle_protocol=proto)
        loaded = torch.load(os.path.join(OUT, name), weights_only=False)
        expected["files"][name] = describe(loaded)

    # Parameters (torch._utils._rebuild_parameter) nested in a training-style checkpoint.
    layer = torch.nn.Linear(3, 2)
    with torch.no_grad():
        layer.weight.copy_(torch.arange(6, dtype=torch.float32).view(2, 3) / 8)
        layer.bias.copy_(torch.tensor([0.25, -0.5]))
    ckpt = {"epoch": 3, "model": {"weight": layer.weight, "bias": layer.bias}, "note": "trained"}
    torch.save(ckpt, os.path.join(OUT, "params.pth"))
    loaded = torch.load(os.path.join(OUT, "params.pth"), weights_only=False)
    expected["files"]["params.pth"] = describe({"model.weight": loaded["model"]["weight"], "model.bias": loaded["model"]["bias"]})

    # A sharded Hugging Face style checkpoint.
    keys = list(sd.keys())
    shards = {"pytorch_model-00001-of-00002.bin": keys[:8], "pytorch_model-00002-of-00002.bin": keys[8:]}
    weight_map = {}
    for fname, ks in shards.items():
        torch.save(collections.OrderedDict((k, sd[k]) for k in ks), os.path.join(OUT, "sharded", fname))
        weight_map.update({k: fname for k in ks})
    with open(os.path.join(OUT, "sharded", "pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f, indent=1)
    merged = {}
    for fname in shards:
        merged.update(torch.load(os.path.join(OUT, "sharded", fname), weights_only=False))
    expected["files"]["sharded/pytorch_model.bin.index.json"] = describe(merged)

    # Legacy (pre-1.6, non-zip) serialization.
    torch.save({"w": torch.arange(4, dtype=torch.float32)}, os.path.join(OUT, "legacy.pth"),
               _use_new_zipfile_serialization=False)
    expected["files"]["legacy.pth"] = describe(torch.load(os.path.join(OUT, "legacy.pth"), weights_only=False))

    # Malicious checkpoints: a torch zip whose data.pkl calls os.system / eval on load.
    torch.save({"weight": torch.zeros(2), "payload": EvilSystem()}, os.path.join(OUT, "evil_system.pth"))
    torch.save({"weight": torch.zeros(2), "payload": EvilEval()}, os.path.join(OUT, "evil_eval.pth"))
    for name in ["evil_system.pth", "evil_eval.pth"]:
        try:
            torch.load(os.path.join(OUT, name), weights_only=True)
            raise SystemExit(f"torch accepted {name}")
        except pickle.UnpicklingError:
            pass

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
    print("wrote", os.path.normpath(OUT), "with torch", torch.__version__)


if __name__ == "__main__":
    sys.exit(main())
