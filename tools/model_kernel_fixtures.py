#!/usr/bin/env python3
"""Reference outputs for the Model kernels, computed with PyTorch (fp32, CPU).

Writes Tests/ModelTests/Fixtures/kernels.json: a list of cases, each with an op name, its inputs
(shape + row-major float32 data), parameters, and the expected output. Small shapes only; the
Swift tests (KernelTests) check every case.

    /tmp/refenv-model/bin/python tools/model_kernel_fixtures.py
"""
import json
import pathlib

import torch
import torch.nn.functional as F

torch.manual_seed(7)
OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/ModelTests/Fixtures/kernels.json"


def t(x):
    x = x.detach().to(torch.float32).contiguous()
    return {"shape": list(x.shape), "data": [float(f"{v:.9g}") for v in x.flatten().tolist()]}  # 9 digits round-trip float32


cases = []


def add(name, op, inputs, expected, **params):
    cases.append({"name": name, "op": op, "inputs": {k: t(v) for k, v in inputs.items()},
                  "params": params, "expected": t(expected)})


r = torch.randn
# GEMM
a, b = r(2, 3, 5), r(5, 4)
add("matmul_batched_a", "matmul", {"a": a, "b": b}, a @ b)
a, b = r(2, 3, 5), r(2, 5, 4)
add("matmul_batched_both", "matmul", {"a": a, "b": b}, a @ b)
x, w, bias = r(3, 6), r(4, 6), r(4)
add("linear_bias", "linear", {"x": x, "weight": w, "bias": bias}, F.linear(x, w, bias))
x, w = r(2, 2, 6), r(5, 6)
add("linear_nobias", "linear", {"x": x, "weight": w}, F.linear(x, w))
# Softmax (large magnitudes check the max subtraction)
x = r(3, 7) * 30
add("softmax", "softmax", {"x": x}, torch.softmax(x, dim=-1))
# Norms
x, w, bias = r(4, 10) * 3 + 1, r(10), r(10)
add("layer_norm", "layer_norm", {"x": x, "weight": w, "bias": bias}, F.layer_norm(x, (10,), w, bias, 1e-5), eps=1e-5)
x, w = r(3, 8), r(8)
add("rms_norm", "rms_norm", {"x": x, "weight": w},
    x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * w, eps=1e-6)
# Activations over a range that includes the erf/tanh tails
x = torch.linspace(-9, 9, 121)
add("gelu_erf", "gelu_erf", {"x": x}, F.gelu(x))
add("gelu_tanh", "gelu_tanh", {"x": x}, F.gelu(x, approximate="tanh"))
add("silu", "silu", {"x": x}, F.silu(x))
# Attention
q, k, v = r(2, 3, 4, 8), r(2, 3, 5, 8), r(2, 3, 5, 6)
add("attention_none", "attention", {"q": q, "k": k, "v": v}, F.scaled_dot_product_attention(q, k, v), mask="none")
# Causal aligned bottom-right (query i sees keys ≤ i + Sk − Sq), as with a key/value cache.
allowed = torch.ones(4, 5, dtype=torch.bool).tril(diagonal=1)
add("attention_causal", "attention", {"q": q, "k": k, "v": v},
    F.scaled_dot_product_attention(q, k, v, attn_mask=allowed), mask="causal")
pad = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.float32)
add("attention_key_padding", "attention", {"q": q, "k": k, "v": v, "mask": pad},
    F.scaled_dot_product_attention(q, k, v, attn_mask=pad.bool()[:, None, None, :]), mask="key_padding")
additive = r(1, 3, 4, 5)
add("attention_additive", "attention", {"q": q, "k": k, "v": v, "mask": additive},
    F.scaled_dot_product_attention(q, k, v, attn_mask=additive, scale=0.3), mask="additive", scale=0.3)
# Embedding
table = r(10, 4)
ids = [3, 0, 9, 3]
add("embedding", "embedding", {"table": table}, F.embedding(torch.tensor(ids), table), ids=ids)
# Convolution
x, w, bias = r(2, 4, 9, 8), r(6, 2, 3, 3), r(6)
add("conv2d_groups_stride", "conv2d", {"x": x, "weight": w, "bias": bias},
    F.conv2d(x, w, bias, stride=2, padding=1, groups=2), stride=[2, 2], padding=[1, 1], dilation=[1, 1], groups=1 * 2)
x, w = r(1, 3, 7, 9), r(5, 3, 3, 2)
add("conv2d_dilation_nobias", "conv2d", {"x": x, "weight": w},
    F.conv2d(x, w, None, stride=(1, 2), padding=(0, 2), dilation=2), stride=[1, 2], padding=[0, 2], dilation=[2, 2], groups=1)
x, w, bias = r(1, 4, 5, 6), r(4, 3, 3, 3), r(3)
add("conv_transpose2d_stride", "conv_transpose2d", {"x": x, "weight": w, "bias": bias},
    F.conv_transpose2d(x, w, bias, stride=2, padding=1, output_padding=1),
    stride=[2, 2], padding=[1, 1], output_padding=[1, 1], dilation=[1, 1], groups=1)
x, w = r(2, 4, 4, 3), r(4, 2, 2, 2)
add("conv_transpose2d_groups_dilation", "conv_transpose2d", {"x": x, "weight": w},
    F.conv_transpose2d(x, w, None, stride=(2, 1), padding=(0, 1), dilation=2, groups=2),
    stride=[2, 1], padding=[0, 1], output_padding=[0, 0], dilation=[2, 2], groups=2)
x, w, bias = r(1, 8, 4, 4), r(8, 5, 2, 2), r(5)
add("conv_transpose2d_sam_upscale", "conv_transpose2d", {"x": x, "weight": w, "bias": bias},
    F.conv_transpose2d(x, w, bias, stride=2), stride=[2, 2], padding=[0, 0], output_padding=[0, 0], dilation=[1, 1], groups=1)
# Bilinear resize
x = r(1, 2, 5, 7)
for (h, w_, ac) in [(9, 4, False), (3, 11, True), (10, 14, False), (10, 14, True), (1, 1, False), (2, 3, False)]:
    add(f"bilinear_{h}x{w_}_{'ac' if ac else 'noac'}", "bilinear", {"x": x},
        F.interpolate(x, size=(h, w_), mode="bilinear", align_corners=ac), height=h, width=w_, align_corners=ac)

OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps({"generator": "tools/model_kernel_fixtures.py", "torch": torch.__version__, "cases": cases}))
print(f"wrote {len(cases)} cases to {OUT} ({OUT.stat().st_size} bytes)")
