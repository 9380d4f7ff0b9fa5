"""What a run leaves on disk: its output folder, checkpoints, the saved model and its hash."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from mentor.errors import ConflictError, InputError
from mentor.train.callbacks import numeric
from mentor.train.models import BaseModel
from mentor.train.rows import TrainingRows
from mentor.train.trainers import final_model


def weights_sha256(folder: Path) -> str:
    """SHA-256 over the saved weight files (names and bytes), in name order."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.safetensors")):
        digest.update(path.name.encode())
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def fresh_out(out: Path) -> None:
    """Refuse an --out that is not a new or empty folder, or that cannot be made: before the
    run is recorded, so a bad flag leaves no failed run behind."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConflictError(
            f"{out} is not an empty folder; choose a new --out, or pass --resume to continue "
            "the run that stopped there"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)  # made now, empty: a rerun accepts it
    except OSError as exc:
        raise InputError(f"cannot make the folder {out}: {exc.strerror}", where="--out") from None


def last_checkpoint(out: Path) -> str | None:
    # A checkpoint being written when the process died has no trainer_state.json yet.
    found = sorted(
        (
            p
            for p in out.glob("checkpoint-*")
            if p.name.split("-")[-1].isdigit() and (p / "trainer_state.json").is_file()
        ),
        key=lambda p: int(p.name.split("-")[-1]),
    )
    return str(found[-1]) if found else None


def final_metrics(trainer: Any, rows: TrainingRows) -> dict[str, float]:
    """What the run ended with: TRL's train_* totals, the step count, the rows TRL actually
    used (its reward trainer drops pairs longer than --max-length; the others cut them) and
    the held-out evaluation."""
    final: dict[str, float] = {
        "train_rows_used": float(len(trainer.train_dataset)),
    }
    if trainer.eval_dataset is not None:
        final["held_out_rows_used"] = float(len(trainer.eval_dataset))
    for entry in trainer.state.log_history:
        final.update({k: v for k, v in numeric(entry).items() if k.startswith("train_")})
    final["global_step"] = float(trainer.state.global_step)
    if rows.held_out:
        final.update(numeric(trainer.evaluate()))
    return final


def save(trainer: Any, tokenizer: Any, out: Path, run_id: int, kind: str, base: BaseModel) -> Path:
    folder = out / "model"
    model = final_model(trainer)
    model.save_pretrained(str(folder), safe_serialization=True)
    tokenizer.save_pretrained(str(folder))
    about = {
        "run_id": run_id,
        "kind": kind,
        "base_model": base.recorded(),
    }
    (folder / "mentor-train.json").write_text(json.dumps(about, indent=2) + "\n")
    return folder
