"""A tiny SAM built with Meta's own `segment-anything` modules, shared by the SAM fixture scripts.

Every component is Meta's (ImageEncoderViT, PromptEncoder, MaskDecoder, TwoWayTransformer); only
the sizes are small, so the committed checkpoint stays under a megabyte while still exercising
what the full models do: windowed attention with padding (12x12 tokens in 5x5 windows), a global
attention block, decomposed relative positions, three multimask outputs. Parameters that Meta
initializes to zero or one (position embeddings, relative positions, norms) are perturbed so a
wrong index or a skipped add cannot go unnoticed.

Run directly to (re)write Tests/ModelTests/Fixtures/sam/sam_tiny.pth (Meta's checkpoint layout)
and sam_tiny_config.json (our SAMConfiguration keys):

    python tools/sam_tiny.py
"""
import json
from functools import partial
from pathlib import Path

import torch
from segment_anything.modeling import ImageEncoderViT, MaskDecoder, PromptEncoder, Sam, TwoWayTransformer

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "ModelTests" / "Fixtures" / "sam"

# Keys as the Swift SAMConfiguration decodes them (snake_case, see SAMConfiguration.swift).
TINY_CONFIG = {
    "image_size": 192,
    "patch_size": 16,
    "encoder_embed_dim": 48,
    "encoder_depth": 3,
    "encoder_num_heads": 3,
    "encoder_mlp_ratio": 2.0,
    "encoder_window_size": 5,
    "encoder_global_attn_indexes": [1],
    "encoder_use_rel_pos": True,
    "prompt_embed_dim": 32,
    "mask_in_chans": 8,
    "decoder_depth": 2,
    "decoder_mlp_dim": 64,
    "decoder_num_heads": 4,
    "decoder_attention_downsample_rate": 2,
    "num_multimask_outputs": 3,
    "iou_head_depth": 3,
    "iou_head_hidden_dim": 32,
    "pixel_mean": [123.675, 116.28, 103.53],
    "pixel_std": [58.395, 57.12, 57.375],
    "layer_norm_eps": 1e-6,
}


def build_sam(config: dict) -> Sam:
    """A Sam of any configuration in TINY_CONFIG's keys, exactly as Meta's _build_sam wires it."""
    c = config
    embedding = c["image_size"] // c["patch_size"]
    return Sam(
        image_encoder=ImageEncoderViT(
            depth=c["encoder_depth"],
            embed_dim=c["encoder_embed_dim"],
            img_size=c["image_size"],
            mlp_ratio=c["encoder_mlp_ratio"],
            norm_layer=partial(torch.nn.LayerNorm, eps=c["layer_norm_eps"]),
            num_heads=c["encoder_num_heads"],
            patch_size=c["patch_size"],
            qkv_bias=True,
            use_rel_pos=c["encoder_use_rel_pos"],
            global_attn_indexes=c["encoder_global_attn_indexes"],
            window_size=c["encoder_window_size"],
            out_chans=c["prompt_embed_dim"],
        ),
        prompt_encoder=PromptEncoder(
            embed_dim=c["prompt_embed_dim"],
            image_embedding_size=(embedding, embedding),
            input_image_size=(c["image_size"], c["image_size"]),
            mask_in_chans=c["mask_in_chans"],
        ),
        mask_decoder=MaskDecoder(
            num_multimask_outputs=c["num_multimask_outputs"],
            transformer=TwoWayTransformer(
                depth=c["decoder_depth"],
                embedding_dim=c["prompt_embed_dim"],
                mlp_dim=c["decoder_mlp_dim"],
                num_heads=c["decoder_num_heads"],
                attention_downsample_rate=c["decoder_attention_downsample_rate"],
            ),
            transformer_dim=c["prompt_embed_dim"],
            iou_head_depth=c["iou_head_depth"],
            iou_head_hidden_dim=c["iou_head_hidden_dim"],
        ),
        pixel_mean=c["pixel_mean"],
        pixel_std=c["pixel_std"],
    ).eval()


def build_tiny_sam(seed: int = 0) -> Sam:
    """The committed tiny SAM: Meta's initialization, then zero/one parameters perturbed."""
    torch.manual_seed(seed)
    sam = build_sam(TINY_CONFIG)
    with torch.no_grad():
        for name, p in sam.named_parameters():
            if "pos_embed" in name or "rel_pos" in name:
                p.normal_(0.0, 0.5)
            elif p.dim() == 1:
                # norms (ones/zeros) and biases: move off their initial constants
                p.add_(torch.randn_like(p) * 0.1)
    return sam


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    sam = build_tiny_sam()
    torch.save(sam.state_dict(), OUT / "sam_tiny.pth")
    (OUT / "sam_tiny_config.json").write_text(json.dumps(TINY_CONFIG, indent=2) + "\n")
    params = sum(p.numel() for p in sam.parameters())
    print(f"wrote {OUT / 'sam_tiny.pth'} ({params} parameters)")


if __name__ == "__main__":
    main()
