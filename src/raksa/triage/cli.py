"""`raksa triage`: classify JSON Lines, train, evaluate, export corrections. Runs without Django.

    raksa triage < reports.jsonl            {"id", "text"} per line in, one result per line out
    raksa triage train [--data F] [--out F] [--folds N]
    raksa triage eval FILE.jsonl [--json] [--errors] [--curve]
    raksa triage export-corrections [--out F]

A bad input line (invalid JSON, no text) gives an error line for that id and the rest carry on; the exit
status is 1 when any line failed. Nothing heavy is imported before it is needed, so the command is ready fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

DEFAULT_TRAIN = Path("data/triage/train.jsonl")


def _default_train() -> Path:
    """data/triage/train.jsonl from the working directory, else from the source checkout (editable install)."""
    if DEFAULT_TRAIN.exists():
        return DEFAULT_TRAIN
    return Path(__file__).resolve().parents[3] / DEFAULT_TRAIN


_ERRORS = {
    "invalid_json": ("บรรทัดนี้ไม่ใช่ JSON ที่ถูกต้อง", "this line is not valid JSON"),
    "not_an_object": ("บรรทัดนี้ต้องเป็นออบเจกต์ JSON", "this line must be a JSON object"),
    "missing_text": ("ไม่มีข้อความ (text) ให้คัดกรอง", "there is no text to triage"),
    "triage_failed": ("คัดกรองข้อความนี้ไม่สำเร็จ", "this text could not be triaged"),
}


def _error_line(report_id: Any, code: str, detail: str = "") -> dict[str, Any]:
    th, en = _ERRORS[code]
    error = {"code": code, "message_th": th, "message_en": en + (f": {detail}" if detail else "")}
    return {"id": report_id, "error": error}


def classify_stream(stdin: TextIO, stdout: TextIO) -> int:
    from raksa.triage import triage

    failed = False
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        report_id: Any = None
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            out = _error_line(None, "invalid_json", f"line {number}: {exc.msg}")
        else:
            if not isinstance(item, dict):
                out = _error_line(None, "not_an_object", f"line {number}")
            else:
                report_id = item.get("id")
                text = item.get("text")
                if not isinstance(text, str) or not text.strip():
                    out = _error_line(report_id, "missing_text")
                else:
                    try:
                        out = {"id": report_id, **triage(text).as_dict()}
                    except Exception as exc:  # one bad report must never stop the batch
                        out = _error_line(report_id, "triage_failed", type(exc).__name__)
        failed = failed or "error" in out
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    return 1 if failed else 0


def cmd_train(args: argparse.Namespace) -> int:
    from raksa.triage.classifier import MODEL_PATH
    from raksa.triage.evaluation import read_jsonl
    from raksa.triage.training import train

    paths = [Path(p) for p in args.data or [_default_train()]]
    # The held-out folder is read only by build_train.py, which names its training halves one by one; a sealed
    # evaluation half must never reach training by being passed here.
    held_out = [p for p in paths if "holdout" in p.resolve().parts]
    if held_out:
        print(f"refusing to train on held-out files: {', '.join(map(str, held_out))}", file=sys.stderr)
        return 2
    rows = []
    for path in paths:
        rows.extend(read_jsonl(path))
    out = Path(args.out) if args.out else MODEL_PATH
    data = train(rows, out=out, folds=args.folds)
    meta = data["meta"]
    oof = {k: v for k, v in meta["oof"].items() if k != "curve"}
    print(
        f"trained on {meta['rows']} examples -> {out} "
        f"(threshold {data['threshold']}, temperatures {data['temperature']}, out-of-fold {oof})"
    )
    curve = meta["oof"].get("curve")
    if curve:
        from raksa.triage.evaluation import CurvePoint, format_curve

        for name, title in (("all", "all rows"), ("handwritten", "hand-written rows")):
            if curve.get(name):
                points = [CurvePoint(**p) for p in curve[name]]
                print(f"\nout-of-fold trade-off curve, {title} (* = chosen threshold):")
                print(format_curve(points, data["threshold"]))
    return 0


def cmd_eval(args: argparse.Namespace, stdout: TextIO) -> int:
    from raksa.triage import triage
    from raksa.triage.evaluation import evaluate, format_report, read_jsonl

    rows = [r for r in read_jsonl(args.file) if isinstance(r.get("text"), str) and r.get("category")]
    predictions = [triage(r["text"], with_routing=False).as_dict() for r in rows]
    ev = evaluate(rows, predictions)
    curve = None
    if args.curve:
        from raksa.triage.classifier import shipped_model
        from raksa.triage.evaluation import CURVE_THRESHOLDS, curve_for_rows, format_curve

        curve = curve_for_rows(rows, sorted({*CURVE_THRESHOLDS, shipped_model().threshold}))
    if args.json:
        out = ev.as_dict()
        if curve is not None:
            out["curve"] = [p.as_dict() for p in curve]
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    else:
        stdout.write(format_report(ev) + "\n")
        if curve is not None:
            threshold = shipped_model().threshold
            stdout.write(f"\ntrade-off curve over the threshold (* = shipped, {threshold}):\n")
            stdout.write(format_curve(curve, threshold) + "\n")
        if args.errors:
            stdout.write("\nerrors (gold -> predicted):\n")
            for err in ev.errors:
                stdout.write(f"{err['id']}: {err['gold']} -> {err['pred']}  {err['text']}\n")
    return 0


def cmd_export(args: argparse.Namespace, stdout: TextIO) -> int:
    from raksa.triage.corrections import corrections_export

    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as fh:
            count = corrections_export(fh)
        print(f"wrote {count} corrections to {args.out}", file=sys.stderr)
    else:
        count = corrections_export(stdout)
    return 0


def main(argv: list[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    stdin, stdout = sys.stdin, sys.stdout
    # Thai text in and out whatever the locale says.
    for stream in (stdin, stdout):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    from raksa.triage.llm import LlmSettingsError, llm_settings

    # Settings are checked before any work, as Django checks its own at start-up: a bad value stops the command
    # instead of turning every line into an error.
    try:
        llm_settings()
    except LlmSettingsError as exc:
        print(f"raksa triage: {exc}", file=sys.stderr)
        return 2
    if not args_list or args_list[0].startswith("-") and args_list[0] not in ("-h", "--help"):
        return classify_stream(stdin, stdout)
    parser = argparse.ArgumentParser(prog="raksa triage", description="Thai triage of social-help reports")
    sub = parser.add_subparsers(dest="command", required=True)
    p_train = sub.add_parser("train", help="rebuild the shipped model from labelled JSON Lines")
    p_train.add_argument(
        "--data", action="append", help="labelled file (repeatable); default data/triage/train.jsonl"
    )
    p_train.add_argument("--out", help="where to write the model (default: the shipped model)")
    p_train.add_argument(
        "--folds", type=int, default=5, help="cross-validation folds for calibration (0 = none)"
    )
    p_eval = sub.add_parser("eval", help="per-class precision/recall/F1 and confusion matrices")
    p_eval.add_argument("file")
    p_eval.add_argument("--json", action="store_true", help="print the figures as JSON")
    p_eval.add_argument("--errors", action="store_true", help="also list the misclassified reports")
    p_eval.add_argument(
        "--curve", action="store_true", help="also give recall against false alarms over the threshold"
    )
    p_export = sub.add_parser("export-corrections", help="write staff corrections as training rows")
    p_export.add_argument("--out", help="file to write (default: stdout)")
    sub.add_parser("classify", help="classify JSON Lines from stdin (the default)")
    args = parser.parse_args(args_list)
    if args.command == "train":
        return cmd_train(args)
    if args.command == "eval":
        return cmd_eval(args, stdout)
    if args.command == "export-corrections":
        return cmd_export(args, stdout)
    return classify_stream(stdin, stdout)
