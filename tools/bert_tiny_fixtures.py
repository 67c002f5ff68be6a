#!/usr/bin/env python3
"""A tiny random BERT written by Hugging Face `save_pretrained` as a SHARDED safetensors
checkpoint (model-0000i-of-0000n.safetensors + model.safetensors.index.json), from
`BertForMaskedLM` so keys carry the `bert.` prefix and an unused `cls.` head, with the tanh
GELU ("gelu_new"), and the same state dict as pytorch_model.bin (torch.save). Expected last hidden states for a few sequences go to expected.json.

Writes Tests/ModelTests/Fixtures/bert-tiny/.

    /tmp/refenv-model/bin/python tools/bert_tiny_fixtures.py
"""
import json
import pathlib
import shutil

import torch
from transformers import BertConfig, BertForMaskedLM

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/ModelTests/Fixtures/bert-tiny"
torch.manual_seed(3)
config = BertConfig(vocab_size=96, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                    intermediate_size=48, max_position_embeddings=40, hidden_act="gelu_new",
                    layer_norm_eps=1e-6)
model = BertForMaskedLM(config).eval()
with torch.no_grad():  # random LayerNorm affine too, so a transposed or swapped key shows
    for name, p in model.named_parameters():
        if "LayerNorm" in name:
            p.copy_(torch.randn_like(p) * 0.3 + (1.0 if name.endswith("weight") else 0.0))
if OUT.exists():
    shutil.rmtree(OUT)
model.save_pretrained(OUT, max_shard_size="40KB", safe_serialization=True)
# The same weights as a PyTorch zip checkpoint (torch.save of the state dict, tied weights shared).
torch.save(model.state_dict(), OUT / "pytorch_model.bin")
sequences = [[2, 17, 55, 9, 3], [2, 80, 3], list(range(1, 41))]
expected = []
with torch.no_grad():
    for ids in sequences:
        h = model.bert(input_ids=torch.tensor([ids])).last_hidden_state[0]
        expected.append([float(f"{v:.9g}") for v in h.flatten().tolist()])
(OUT / "expected.json").write_text(json.dumps({"generator": "tools/bert_tiny_fixtures.py",
                                               "sequences": sequences, "hidden": expected}))
for extra in OUT.glob("generation_config.json"):
    extra.unlink()
print(sorted(p.name for p in OUT.iterdir()), sum(p.stat().st_size for p in OUT.iterdir()), "bytes")
