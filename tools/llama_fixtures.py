#!/usr/bin/env python3
"""Tiny random LlamaForCausalLM checkpoints and their transformers outputs, for the Swift parity
tests in Tests/ModelTests/LlamaTests.swift.

Writes Tests/ModelTests/Fixtures/llama-tiny/:
  tokenizer.json            a byte-level BPE (ChatML specials) trained on a few sentences
  chat.json                 the SmolLM2 ChatML template and LISA's llava_v1 prompt rendered for a
                            few conversations (our chat templates must produce the same text)
  <variant>/config.json     + weights (+ expected.json: prompt ids, logits at every position,
                            the last hidden state per position, a greedy continuation)
Variants:
  tied      tied embeddings, rope_theta 500000, GQA 4/2, one model.safetensors (fp32)
  llama3    untied, llama3 rope scaling, safetensors sharded through model.safetensors.index.json
  linear    untied, linear rope scaling, bf16 weights in pytorch_model.bin (the reference runs in
            fp32 on the bf16-rounded weights, as our bf16 MatrixWeight does)
Run with the reference venv (torch, transformers, tokenizers): python tools/llama_fixtures.py
"""
import json
import os
import shutil
import sys

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "ModelTests", "Fixtures", "llama-tiny")

CORPUS = [
    "The cat sat on the mat near the window.",
    "Where can we throw away the scraps after cooking?",
    "Please segment the trash can in this image.",
    "A chat between a curious human and an artificial intelligence assistant.",
    "Sure, it is [SEG]. The answer is the red cup on the table!",
    "Rewrite the question: what object is used to cut bread?",
    "1. the knife  2. a saw  3. scissors",
]
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

PROMPTS = [
    "The cat sat on the mat",
    "Where can we throw away the scraps?",
    "<|im_start|>user\nSegment the cup.<|im_end|>\n<|im_start|>assistant\n",
]

SMOLLM2_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

CONVERSATIONS = [
    [{"role": "user", "content": "Rewrite: where is the cup?"}],
    [{"role": "system", "content": "You rewrite questions."}, {"role": "user", "content": "Hi!"}],
    [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}, {"role": "user", "content": "Segment the dog."}],
]


def build_tokenizer():
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    return tok


def llava_v1(messages):
    """LISA's conv_llava_v1 (SeparatorStyle.TWO) with a generation prompt."""
    system = ("A chat between a curious human and an artificial intelligence assistant. "
              "The assistant gives helpful, detailed, and polite answers to the human's questions.")
    seps = [" ", "</s>"]
    ret = system + seps[0]
    turns = [m for m in messages if m["role"] != "system"]
    if messages and messages[0]["role"] == "system":
        ret = messages[0]["content"] + seps[0]
    for i, m in enumerate(turns):
        role = "USER" if m["role"] == "user" else "ASSISTANT"
        ret += role + ": " + m["content"] + seps[i % 2]
    return ret + "ASSISTANT:"


VARIANTS = {
    "tied": dict(tie_word_embeddings=True, rope_theta=500000.0, rope_scaling=None, layout="safetensors", dtype=torch.float32,
                 legacy_config=True),
    "llama3": dict(tie_word_embeddings=False, rope_theta=10000.0,
                   rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                 "high_freq_factor": 4.0, "original_max_position_embeddings": 16},
                   layout="sharded", dtype=torch.float32),
    "linear": dict(tie_word_embeddings=False, rope_theta=20000.0,
                   rope_scaling={"rope_type": "linear", "factor": 2.0}, layout="bin", dtype=torch.bfloat16,
                   legacy_config=True),
}


def round4(values):
    return [float(f"{v:.6g}") for v in values]


def main():
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    tok = build_tokenizer()
    tok.save(os.path.join(OUT, "tokenizer.json"))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok)
    fast.chat_template = SMOLLM2_TEMPLATE
    vocab = tok.get_vocab_size()
    chat = {"chatml": [], "llava_v1": []}
    for conv in CONVERSATIONS:
        chat["chatml"].append({"messages": conv, "text": fast.apply_chat_template(conv, tokenize=False, add_generation_prompt=True)})
        chat["llava_v1"].append({"messages": conv, "text": llava_v1(conv)})
    with open(os.path.join(OUT, "chat.json"), "w") as f:
        json.dump(chat, f, indent=1, ensure_ascii=False)

    for seed, (name, v) in enumerate(VARIANTS.items()):
        torch.manual_seed(1234 + seed)
        config = LlamaConfig(
            vocab_size=vocab, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
            num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
            rms_norm_eps=1e-5, rope_theta=v["rope_theta"], rope_scaling=v["rope_scaling"],
            tie_word_embeddings=v["tie_word_embeddings"], initializer_range=0.3,
            bos_token_id=1, eos_token_id=2, hidden_act="silu",
        )
        model = LlamaForCausalLM(config).eval()
        with torch.no_grad():
            # Random (not unit) norm weights so that a missed gamma shows.
            for n, p in model.named_parameters():
                if n.endswith("norm.weight"):
                    p.copy_(1 + 0.3 * torch.randn_like(p))
        if v["dtype"] == torch.bfloat16:
            model = model.to(torch.bfloat16)
        d = os.path.join(OUT, name)
        if v["layout"] == "safetensors":
            model.save_pretrained(d, safe_serialization=True)
        elif v["layout"] == "sharded":
            model.save_pretrained(d, safe_serialization=True, max_shard_size="20KB")
        else:
            # transformers 5 only writes safetensors; the .bin is what torch.save makes of the
            # state dict (tied or not, as LISA's published shards are).
            os.makedirs(d)
            model.config.save_pretrained(d)
            torch.save(model.state_dict(), os.path.join(d, "pytorch_model.bin"))
        for extra in ["generation_config.json"]:
            p = os.path.join(d, extra)
            if os.path.exists(p):
                os.remove(p)
        if v.get("legacy_config"):
            # The transformers 4 layout real checkpoints carry: top-level rope_theta, rope_scaling
            # with the old "type" key, no head_dim.
            cp = os.path.join(d, "config.json")
            with open(cp) as f:
                cfg = json.load(f)
            params = cfg.pop("rope_parameters")
            cfg.pop("head_dim", None)
            cfg["rope_theta"] = params.pop("rope_theta")
            if params.get("rope_type", "default") != "default":
                params["type"] = params.pop("rope_type")
                cfg["rope_scaling"] = params
            with open(cp, "w") as f:
                json.dump(cfg, f, indent=2)
        if v["dtype"] != torch.float32:
            # References in fp32 over the bf16-rounded weights, in a fresh fp32 model: casting the
            # model itself would leave its rotary inv_freq buffer rounded to bf16.
            state = {k: t.float() for k, t in model.state_dict().items()}
            model = LlamaForCausalLM(config).eval()
            model.load_state_dict(state)

        cases = []
        for prompt in PROMPTS:
            ids = tok.encode(prompt).ids
            with torch.no_grad():
                out = model(torch.tensor([ids]), output_hidden_states=True)
                logits = out.logits[0]
                last = out.hidden_states[-1][0]
                # Greedy continuation of 12 tokens with the KV cache (transformers' generate).
                gen = model.generate(torch.tensor([ids]), max_new_tokens=12, do_sample=False,
                                     eos_token_id=None, pad_token_id=0)[0][len(ids):].tolist()
                # The smallest top-1 margin along the greedy path, so a tie cannot flip the test.
                full = model(torch.tensor([ids + gen])).logits[0]
                top2 = torch.topk(full[len(ids) - 1:-1], 2, dim=-1).values
                margin = float((top2[:, 0] - top2[:, 1]).min())
            if margin < 1e-3:
                print(f"warning: {name} {prompt!r}: greedy margin {margin}", file=sys.stderr)
            cases.append({
                "prompt": prompt, "ids": ids,
                "logits": [round4(r.tolist()) for r in logits],
                "hidden": [round4(r.tolist()) for r in last],
                "greedy": gen, "greedy_margin": margin,
            })
        with open(os.path.join(d, "expected.json"), "w") as f:
            json.dump({"cases": cases}, f)
        print(name, "ok", [len(c["ids"]) for c in cases], "greedy margins", [round(c["greedy_margin"], 4) for c in cases])

    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(OUT) for f in fs)
    print(f"fixtures in {OUT}: {total / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
