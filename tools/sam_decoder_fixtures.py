"""Reference outputs of SAM's prompt encoder + mask decoder for the Swift tests.

Runs the tiny SAM of tools/sam_tiny.py (Meta's own modules) through Meta's SamPredictor on two
real photos from samples/images, and records, for point (positive + negative), box, box + point,
mask-input and text-embedding prompts in single- and multi-mask mode:
  - the image embeddings SamPredictor.set_image produced (so the decoder tests need no encoder),
  - the low-resolution logits, the IoU predictions and the final thresholded masks (as
    column-major COCO-style run lengths, starting with zeros).
Text-embedding prompts follow LISA (dvlab-research/LISA, model/LISA.py and its prompt_encoder):
the [SEG] embedding is appended as one extra sparse token after the point/box tokens, the dense
prompt is `no_mask_embed`, multimask_output=False, masks postprocessed as Sam.postprocess_masks.

It also writes the decoder weights in the two other layouts we load and their expected outputs:
  - sam_tiny_hf/: a tiny random Hugging Face `SamModel` (save_pretrained: config.json +
    model.safetensors) with outputs from transformers' own forward on the same embeddings;
  - sam_tiny_lisa.bin: the tiny SAM's prompt-encoder/mask-decoder weights under LISA's names
    (`model.visual_model.*`) next to a few LLM keys, as a LISA checkpoint holds them.

    python tools/sam_decoder_fixtures.py
"""
import base64
import json
import zlib
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sam_tiny import OUT, ROOT, TINY_CONFIG, build_tiny_sam  # noqa: E402
from segment_anything import SamPredictor  # noqa: E402

IMAGES = ["astronaut.jpg", "chelsea.jpg"]


def packed_mask(mask: np.ndarray) -> str:
    """The mask row-major, one bit per pixel (np.packbits: most significant bit first),
    zlib-compressed and base64-encoded."""
    bits = np.packbits(np.asarray(mask, dtype=np.uint8).reshape(-1))
    return base64.b64encode(zlib.compress(bits.tobytes(), 9)).decode("ascii")


class Blob:
    """Float32 arrays appended to one little-endian binary file, addressed by offset."""

    def __init__(self):
        self.parts, self.offset = [], 0

    def add(self, array) -> dict:
        a = np.ascontiguousarray(np.asarray(array, dtype="<f4"))
        entry = {"offset": self.offset, "shape": list(a.shape)}
        self.parts.append(a.tobytes())
        self.offset += a.size
        return entry

    def write(self, path: Path):
        path.write_bytes(b"".join(self.parts))


def lisa_text_prompt(sam, predictor, text: np.ndarray, box=None, multimask=False):
    """LISA's call: sparse = [points/boxes..., text], dense = no_mask_embed."""
    pe = sam.prompt_encoder
    boxes = None
    if box is not None:
        b = predictor.transform.apply_boxes(np.array(box, dtype=np.float64), predictor.original_size)
        boxes = torch.as_tensor(b, dtype=torch.float)[None, :]
    sparse, dense = pe(points=None, boxes=boxes, masks=None)
    text_t = torch.as_tensor(text, dtype=torch.float).reshape(1, -1, pe.embed_dim)
    sparse = torch.cat([sparse.reshape(1, -1, pe.embed_dim), text_t], dim=1)
    low, iou = sam.mask_decoder(
        image_embeddings=predictor.features, image_pe=pe.get_dense_pe(),
        sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense, multimask_output=multimask)
    masks = sam.postprocess_masks(low, predictor.input_size, predictor.original_size) > 0
    return masks[0].numpy(), iou[0].numpy(), low[0].numpy()


def main() -> None:
    sam = build_tiny_sam()
    predictor = SamPredictor(sam)
    rng = np.random.default_rng(7)
    blob = Blob()
    images, cases = [], []
    with torch.no_grad():
        for name in IMAGES:
            image = np.array(Image.open(ROOT / "samples" / "images" / name).convert("RGB"))
            predictor.set_image(image)
            h, w = predictor.original_size
            images.append({
                "name": name, "original_size": [h, w], "input_size": list(predictor.input_size),
                "embedding": blob.add(predictor.features[0].numpy()),
            })
            pos = [w * 0.45, h * 0.4]
            neg = [w * 0.8, h * 0.85]
            box = [w * 0.2, h * 0.15, w * 0.7, h * 0.9]
            prompts = [
                ("point", dict(point_coords=np.array([pos]), point_labels=np.array([1]))),
                ("points_pos_neg", dict(point_coords=np.array([pos, neg]), point_labels=np.array([1, 0]))),
                ("box", dict(box=np.array(box))),
                ("box_point", dict(box=np.array(box), point_coords=np.array([neg]), point_labels=np.array([0]))),
            ]
            previous_low = None
            for label, kwargs in prompts:
                for multimask in (False, True):
                    masks, iou, low = predictor.predict(multimask_output=multimask, **kwargs)
                    case = {"image": len(images) - 1, "name": f"{name}:{label}:{'multi' if multimask else 'single'}",
                            "multimask": multimask}
                    if "point_coords" in kwargs:
                        case["points"] = kwargs["point_coords"].tolist()
                        case["labels"] = kwargs["point_labels"].tolist()
                    if "box" in kwargs:
                        case["box"] = kwargs["box"].tolist()
                    case.update(low_res=blob.add(low), iou=iou.tolist(), masks=[packed_mask(m) for m in masks])
                    cases.append(case)
                    if label == "point" and not multimask:
                        previous_low = low
            # Mask input: the previous single-mask logits fed back with a second click (Meta's refinement loop).
            masks, iou, low = predictor.predict(point_coords=np.array([pos, neg]), point_labels=np.array([1, 0]),
                                                mask_input=previous_low, multimask_output=False)
            cases.append({"image": len(images) - 1, "name": f"{name}:mask_input:single", "multimask": False,
                          "points": [pos, neg], "labels": [1, 0], "mask_input": blob.add(previous_low),
                          "low_res": blob.add(low), "iou": iou.tolist(), "masks": [packed_mask(m) for m in masks]})
            # LISA's text-embedding prompt (alone, as LISA uses it; and after a box, to pin the token order).
            text = rng.normal(0, 1, size=(TINY_CONFIG["prompt_embed_dim"],)).astype(np.float32)
            for label, kw in (("text", {}), ("box_text", {"box": box})):
                masks, iou, low = lisa_text_prompt(sam, predictor, text, **kw)
                case = {"image": len(images) - 1, "name": f"{name}:{label}:single", "multimask": False,
                        "text_embeddings": [text.tolist()], "low_res": blob.add(low), "iou": iou.tolist(),
                        "masks": [packed_mask(m) for m in masks]}
                if "box" in kw:
                    case["box"] = box
                cases.append(case)

    blob.write(OUT / "decoder_reference.bin")
    (OUT / "decoder_reference.json").write_text(json.dumps({
        "model": "sam_tiny.pth", "config": "sam_tiny_config.json", "floats": "decoder_reference.bin",
        "images": images, "cases": cases}) + "\n")
    print(f"wrote {len(cases)} cases, {blob.offset * 4} bytes of floats")
    write_lisa(sam)
    write_hf(images)


def write_lisa(sam) -> None:
    """The tiny decoder under LISA's checkpoint names, with stand-ins for the LLM's own keys."""
    state = {}
    for k, v in sam.state_dict().items():
        if k.startswith(("prompt_encoder.", "mask_decoder.")):
            state["model.visual_model." + k] = v.clone()
    g = torch.Generator().manual_seed(3)
    state["model.embed_tokens.weight"] = torch.randn(8, 4, generator=g)
    state["model.text_hidden_fcs.0.0.weight"] = torch.randn(4, 4, generator=g)
    state["lm_head.weight"] = torch.randn(8, 4, generator=g)
    torch.save(state, OUT / "sam_tiny_lisa.bin")


def write_hf(images) -> None:
    """A tiny random transformers SamModel and its own outputs on the recorded embeddings."""
    from transformers import SamConfig, SamModel
    from transformers.models.sam.configuration_sam import (SamMaskDecoderConfig, SamPromptEncoderConfig,
                                                           SamVisionConfig)
    c = TINY_CONFIG
    torch.manual_seed(11)
    vision = SamVisionConfig(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, mlp_dim=16,
                             image_size=c["image_size"], patch_size=c["patch_size"], output_channels=c["prompt_embed_dim"],
                             global_attn_indexes=[0], window_size=0, num_pos_feats=c["prompt_embed_dim"] // 2)
    prompt = SamPromptEncoderConfig(hidden_size=c["prompt_embed_dim"], image_size=c["image_size"],
                                    patch_size=c["patch_size"], mask_input_channels=c["mask_in_chans"])
    decoder = SamMaskDecoderConfig(hidden_size=c["prompt_embed_dim"], num_hidden_layers=c["decoder_depth"],
                                   num_attention_heads=c["decoder_num_heads"], mlp_dim=c["decoder_mlp_dim"],
                                   iou_head_depth=c["iou_head_depth"], iou_head_hidden_dim=c["iou_head_hidden_dim"],
                                   attention_downsample_rate=c["decoder_attention_downsample_rate"],
                                   num_multimask_outputs=c["num_multimask_outputs"])
    model = SamModel(SamConfig(vision_config=vision.to_dict(), prompt_encoder_config=prompt.to_dict(),
                               mask_decoder_config=decoder.to_dict())).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if not name.startswith("vision_encoder") and p.dim() == 1:
                p.add_(torch.randn_like(p) * 0.1)
    hf_dir = OUT / "sam_tiny_hf"
    model.save_pretrained(hf_dir)
    raw = np.fromfile(OUT / "decoder_reference.bin", dtype="<f4")
    blob, cases = Blob(), []
    for index, image in enumerate(images):
        e = image["embedding"]
        emb = torch.from_numpy(raw[e["offset"]:e["offset"] + int(np.prod(e["shape"]))].reshape(1, *e["shape"]).copy())
        ih, iw = image["input_size"]
        point, neg = [iw * 0.45, ih * 0.4], [iw * 0.8, ih * 0.85]
        box = [iw * 0.2, ih * 0.15, iw * 0.7, ih * 0.9]
        for label, kw in (("points", dict(input_points=torch.tensor([[[point, neg]]]), input_labels=torch.tensor([[[1, 0]]]))),
                          ("box", dict(input_boxes=torch.tensor([[box]])))):
            for multimask in (False, True):
                with torch.no_grad():
                    out = model(image_embeddings=emb, multimask_output=multimask, **kw)
                low = out.pred_masks[0, 0].numpy()
                case = {"image": index, "name": f"hf:{image['name']}:{label}:{'multi' if multimask else 'single'}",
                        "multimask": multimask, "low_res": blob.add(low), "iou": out.iou_scores[0, 0].tolist()}
                if label == "points":
                    case.update(points=[point, neg], labels=[1, 0])
                else:
                    case["box"] = box
                cases.append(case)
    blob.write(OUT / "decoder_reference_hf.bin")
    (OUT / "decoder_reference_hf.json").write_text(json.dumps({
        "model": "sam_tiny_hf", "floats": "decoder_reference_hf.bin",
        "note": "prompts are already in the resized input frame (no predictor transform)",
        "cases": cases}) + "\n")


if __name__ == "__main__":
    main()
