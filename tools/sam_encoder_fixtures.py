"""Reference outputs of SAM's image side for the Swift tests (Tests/ModelTests/SAMImageEncoderTests.swift).

Runs Meta's own code (`segment-anything`) on the committed tiny SAM (tools/sam_tiny.py,
Tests/ModelTests/Fixtures/sam/sam_tiny.pth) and two real photos from samples/images, one
landscape (chelsea.jpg, 451x300) and one portrait (rocket.jpg transposed to 427x640), through
`SamPredictor.set_image`, and records under Tests/ModelTests/Fixtures/sam/:

- `encoder_fixtures.json`: per case the sizes, the preprocessed input's statistics and the files;
- `<case>_resized.u8`: the 8-bit RGB image after `ResizeLongestSide.apply_image` (HWC bytes);
- `<case>_embedding.f32`: `predictor.features` [1, C, E, E] as little-endian float32;
- `relpos_interp_embedding.f32`: the encoder on the chelsea input with every relative position
  table cut to its rows 1..L-2 (so Meta's `get_rel_pos` interpolates them back to 2*size-1);
- `sam_tiny_lisa/`: the tiny SAM renamed as in a LISA checkpoint (`model.visual_model.*`), bf16,
  in two `pytorch_model-*.bin` shards with `pytorch_model.bin.index.json` and a few language-model
  tensors beside it; `lisa_embedding.f32` is Meta's encoder with those bf16-rounded weights;
- `sam_hf_tiny/`: a tiny Hugging Face `SamModel` (random weights, zero-initialized tables
  perturbed) saved with `save_pretrained` (model.safetensors + config.json), our config for it in
  `sam_hf_tiny_config.json`, and `hf_embedding.f32`: `SamModel.get_image_embeddings` on the
  chelsea image preprocessed as Meta's predictor does at that model's size.

    /tmp/refenv-model/bin/python tools/sam_encoder_fixtures.py
"""
import copy
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sam_tiny import OUT, ROOT, TINY_CONFIG, build_sam  # noqa: E402

from segment_anything import SamPredictor  # noqa: E402
from segment_anything.utils.transforms import ResizeLongestSide  # noqa: E402

CASES = [
    {"name": "chelsea", "image": "samples/images/chelsea.jpg", "transform": "none"},
    {"name": "rocket_portrait", "image": "samples/images/rocket.jpg", "transform": "transpose"},
]


def load_image(case: dict) -> np.ndarray:
    image = np.array(Image.open(ROOT / case["image"]).convert("RGB"))
    if case["transform"] == "transpose":
        image = np.ascontiguousarray(image.transpose(1, 0, 2))
    return image


def stats(t: torch.Tensor) -> dict:
    t = t.double()
    return {"sum": float(t.sum()), "abs_sum": float(t.abs().sum()), "min": float(t.min()), "max": float(t.max())}


def write_f32(path: Path, t: torch.Tensor) -> None:
    path.write_bytes(t.detach().contiguous().float().numpy().astype("<f4").tobytes())


def load_tiny() -> torch.nn.Module:
    sam = build_sam(TINY_CONFIG)
    sam.load_state_dict(torch.load(OUT / "sam_tiny.pth", map_location="cpu"))
    return sam.eval()


def lisa_copy(sam: torch.nn.Module, image_input: torch.Tensor) -> torch.Tensor:
    """Writes the LISA-layout bf16 copy and returns Meta's embedding with bf16-rounded weights."""
    folder = OUT / "sam_tiny_lisa"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*"):
        old.unlink()
    g = torch.Generator().manual_seed(7)
    language = {
        "model.embed_tokens.weight": torch.randn(16, 8, generator=g).bfloat16(),
        "model.layers.0.self_attn.q_proj.weight": torch.randn(8, 8, generator=g).bfloat16(),
        "model.text_hidden_fcs.0.0.weight": torch.randn(8, 8, generator=g).bfloat16(),
        "model.text_hidden_fcs.0.0.bias": torch.randn(8, generator=g).bfloat16(),
        "lm_head.weight": torch.randn(16, 8, generator=g).bfloat16(),
    }
    visual = {"model.visual_model." + k: v.bfloat16().clone() for k, v in sam.state_dict().items()}
    shards = {"pytorch_model-00001-of-00002.bin": language, "pytorch_model-00002-of-00002.bin": visual}
    weight_map = {}
    for name, tensors in shards.items():
        torch.save(tensors, folder / name)
        weight_map.update({k: name for k in tensors})
    (folder / "pytorch_model.bin.index.json").write_text(
        json.dumps({"metadata": {"total_size": 0}, "weight_map": weight_map}, indent=1) + "\n")
    rounded = copy.deepcopy(sam)
    with torch.no_grad():
        for p in rounded.parameters():
            p.copy_(p.bfloat16().float())
        return rounded.image_encoder(image_input)


def hf_tiny(image: np.ndarray) -> dict:
    """A tiny transformers SamModel: saves it and returns its embedding of `image`."""
    from transformers import SamConfig, SamModel

    vision = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, image_size=128, patch_size=16,
                  window_size=3, global_attn_indexes=[1], output_channels=16, mlp_ratio=2.0, layer_norm_eps=1e-6)
    config = SamConfig(
        vision_config=vision,
        prompt_encoder_config=dict(hidden_size=16, image_size=128, patch_size=16, mask_input_channels=4),
        mask_decoder_config=dict(hidden_size=16, mlp_dim=32, num_hidden_layers=2, num_attention_heads=2,
                                 iou_head_hidden_dim=16),
    )
    torch.manual_seed(3)
    model = SamModel(config).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if not name.startswith("vision_encoder."):
                continue
            if "pos_embed" in name or "rel_pos" in name:
                p.normal_(0.0, 0.5)
            elif p.dim() == 1:
                p.add_(torch.randn_like(p) * 0.1)
            else:
                p.normal_(0.0, 0.2)
    folder = OUT / "sam_hf_tiny"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*"):
        old.unlink()
    model.save_pretrained(folder, safe_serialization=True)
    ours = {
        "image_size": 128, "patch_size": 16, "encoder_embed_dim": 32, "encoder_depth": 2,
        "encoder_num_heads": 2, "encoder_mlp_ratio": 2.0, "encoder_window_size": 3,
        "encoder_global_attn_indexes": [1], "encoder_use_rel_pos": True, "prompt_embed_dim": 16,
        "mask_in_chans": 4, "decoder_depth": 2, "decoder_mlp_dim": 32, "decoder_num_heads": 2,
        "iou_head_hidden_dim": 16, "layer_norm_eps": 1e-6,
    }
    (OUT / "sam_hf_tiny_config.json").write_text(json.dumps(ours, indent=2) + "\n")
    # Meta's predictor preprocessing at this model's size.
    resized = ResizeLongestSide(128).apply_image(image)
    x = torch.as_tensor(resized).permute(2, 0, 1).float()
    mean = torch.tensor(TINY_CONFIG["pixel_mean"]).view(3, 1, 1)
    std = torch.tensor(TINY_CONFIG["pixel_std"]).view(3, 1, 1)
    x = (x - mean) / std
    x = torch.nn.functional.pad(x, (0, 128 - x.shape[2], 0, 128 - x.shape[1]))[None]
    with torch.no_grad():
        embedding = model.get_image_embeddings(x)
    write_f32(OUT / "hf_embedding.f32", embedding)
    return {"input_size": list(resized.shape[:2]), "shape": list(embedding.shape),
            "max_abs": float(embedding.abs().max()), "file": "hf_embedding.f32"}


def main() -> None:
    torch.set_num_threads(2)
    sam = load_tiny()
    predictor = SamPredictor(sam)
    manifest = {"config": "sam_tiny_config.json", "checkpoint": "sam_tiny.pth", "cases": []}
    chelsea_input = None
    for case in CASES:
        image = load_image(case)
        resized = predictor.transform.apply_image(image)
        # The resize path SamPredictor takes is Pillow's 8-bit bilinear resize.
        direct = np.array(Image.fromarray(image).resize((resized.shape[1], resized.shape[0]), Image.BILINEAR))
        assert np.array_equal(direct, resized), "apply_image is not PIL's bilinear resize"
        predictor.set_image(image)
        x = torch.as_tensor(resized).permute(2, 0, 1).contiguous()[None]
        preprocessed = sam.preprocess(x)
        if case["name"] == "chelsea":
            chelsea_input = preprocessed
        features = predictor.features
        (OUT / f"{case['name']}_resized.u8").write_bytes(resized.tobytes())
        write_f32(OUT / f"{case['name']}_embedding.f32", features)
        manifest["cases"].append({
            **case,
            "original_size": list(predictor.original_size),
            "input_size": list(predictor.input_size),
            "decoded_sha256": hashlib.sha256(image.tobytes()).hexdigest(),
            "resized_file": f"{case['name']}_resized.u8",
            "resized_sha256": hashlib.sha256(resized.tobytes()).hexdigest(),
            "preprocessed": stats(preprocessed),
            "embedding_file": f"{case['name']}_embedding.f32",
            "embedding_shape": list(features.shape),
            "embedding_max_abs": float(features.abs().max()),
        })

    # Relative position tables of another length: Meta's get_rel_pos interpolates them.
    interp = copy.deepcopy(sam)
    with torch.no_grad():
        for blk in interp.image_encoder.blocks:
            blk.attn.rel_pos_h = torch.nn.Parameter(blk.attn.rel_pos_h[1:-1].clone())
            blk.attn.rel_pos_w = torch.nn.Parameter(blk.attn.rel_pos_w[1:-1].clone())
        relpos = interp.image_encoder(chelsea_input)
    write_f32(OUT / "relpos_interp_embedding.f32", relpos)
    manifest["relpos_interp"] = {"case": "chelsea", "rows": "1..<L-1", "file": "relpos_interp_embedding.f32",
                                 "max_abs": float(relpos.abs().max())}

    lisa = lisa_copy(sam, chelsea_input)
    write_f32(OUT / "lisa_embedding.f32", lisa)
    manifest["lisa"] = {"case": "chelsea", "folder": "sam_tiny_lisa", "file": "lisa_embedding.f32",
                        "max_abs": float(lisa.abs().max())}

    # Pillow's bilinear resize on small random images: enlarging, shrinking, one axis only.
    rng = np.random.default_rng(5)
    manifest["resample"] = []
    for (w, h, ow, oh) in [(7, 5, 12, 9), (13, 11, 4, 3), (9, 6, 9, 17), (10, 8, 3, 8)]:
        pixels = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
        out = np.array(Image.fromarray(pixels).resize((ow, oh), Image.BILINEAR))
        manifest["resample"].append({"width": w, "height": h, "out_width": ow, "out_height": oh,
                                     "pixels": pixels.flatten().tolist(), "expected": out.flatten().tolist()})
    manifest["preprocess_shapes"] = [
        {"height": hh, "width": ww, "long_side": ls, "expected": list(ResizeLongestSide.get_preprocess_shape(hh, ww, ls))}
        for (hh, ww, ls) in [(300, 451, 1024), (640, 427, 1024), (427, 640, 192), (1, 3000, 1024), (333, 999, 1024), (5, 3, 1024)]
    ]

    manifest["huggingface"] = {"case": "chelsea", "folder": "sam_hf_tiny", "config": "sam_hf_tiny_config.json",
                               **hf_tiny(load_image(CASES[0]))}
    (OUT / "encoder_fixtures.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
