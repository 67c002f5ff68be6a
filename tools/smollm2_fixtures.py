#!/usr/bin/env python3
"""Reference outputs of SmolLM2-135M-Instruct (the Q4_1 GGUF that `make models` installs) for the
Swift parity test in Tests/ModelTests/SmolLM2Tests.swift.

transformers loads the GGUF file and dequantizes it to fp32 (`from_pretrained(dir, gguf_file=...)`);
for several prompts we record the token ids, the top-5 token ids and logits at every position,
and the greedy 32-token continuation. With llama-cpp-python installed, its greedy continuation
on the same file (quantized arithmetic, like ours) is recorded too.
Writes Tests/ModelTests/Fixtures/smollm2/reference.json (a few KB; the model is not committed).
Run: python tools/smollm2_fixtures.py [path/to/SmolLM2-135M-Instruct.Q4_1.gguf]
"""
import glob
import json
import os
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "ModelTests", "Fixtures", "smollm2", "reference.json")
SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"


def chatml(user, system=SYSTEM):
    return f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"


PROMPTS = [
    chatml("What is the capital of France?"),
    chatml("Rewrite the instruction in 3 different ways with the same meaning. Answer with a numbered list only.\n\n"
           "Instruction: Where can we throw away the scraps after cooking?", system="You rewrite instructions for an image dataset.") + "1.",
    "The quick brown fox jumps over the lazy dog. Once upon a time,",
    chatml("Name three things found in a kitchen."),
]


def main():
    models = os.environ.get("LISAKIT_MODELS", os.path.join(ROOT, "models"))
    path = sys.argv[1] if len(sys.argv) > 1 else (glob.glob(os.path.join(models, "SmolLM2-135M-Instruct", "*.gguf")) or [None])[0]
    if not path or not os.path.exists(path):
        sys.exit("SmolLM2-135M-Instruct GGUF not found: run `make models` or pass its path")
    folder, name = os.path.dirname(path), os.path.basename(path)
    torch.set_num_threads(1)  # a shared machine: OpenMP spinning across oversubscribed cores stalls
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, torch_dtype=torch.float32).eval()
    llama = None
    try:
        from llama_cpp import Llama
        llama = Llama(model_path=path, n_ctx=512, logits_all=False, verbose=False, seed=0)
    except Exception as e:  # optional
        print("llama-cpp-python not used:", e, file=sys.stderr)

    cases = []
    for prompt in PROMPTS:
        ids = tok(prompt, add_special_tokens=False)["input_ids"]
        with torch.no_grad():
            logits = model(torch.tensor([ids])).logits[0]
            # An explicit mask: without it generate masks every prompt token equal to the pad id
            # (<|im_end|> here).
            x = torch.tensor([ids])
            gen = model.generate(x, attention_mask=torch.ones_like(x), max_new_tokens=32, do_sample=False,
                                 eos_token_id=None, pad_token_id=0)[0][len(ids):].tolist()
        top = torch.topk(logits, 6, dim=-1)
        case = {
            "prompt": prompt, "ids": ids,
            "top5_ids": top.indices[:, :5].tolist(),
            "top6_logits": [[round(float(v), 5) for v in row] for row in top.values],
            "greedy": gen, "greedy_text": tok.decode(gen),
        }
        if llama is not None:
            llama.reset()
            out = llama.generate(ids, top_k=1, temp=0.0, reset=True)
            cpp = []
            for t in out:
                cpp.append(int(t))
                if len(cpp) == 32:
                    break
            case["llama_cpp_greedy"] = cpp
        cases.append(case)
        print(len(ids), "tokens;", repr(case["greedy_text"][:70]), "| llama.cpp agrees:", case.get("llama_cpp_greedy") == gen,
              flush=True)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"model": name, "cases": cases}, f)
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
