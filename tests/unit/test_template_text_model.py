"""text_prompting: the prompts have one checkable answer, and more training gives a measurably better model."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import torch

from subnet_templates.text_prompting import training
from subnet_templates.text_prompting.model import complete
from subnet_templates.text_prompting.tasks import (
    answer_for,
    char_accuracy,
    make_prompt,
    parse_prompt,
    sample_prompts,
    score_answers,
)
from subnet_templates.text_prompting.training import TrainConfig, load_or_train, train

torch.set_num_threads(1)  # tests run two at a time on two cores: threads would only fight
HELD_OUT = sample_prompts(random.Random(20261208), 300)  # never the training stream (that is seeded by 0)


def test_each_task_has_its_one_answer() -> None:
    assert answer_for("C", "3142") == "3142"
    assert answer_for("I", "3192") == "4203"
    assert answer_for("R", "3142") == "2413"
    assert answer_for("S", "3142") == "1234"
    with pytest.raises(ValueError, match="unknown task"):
        answer_for("X", "123")


def test_prompts_are_parsed_strictly() -> None:
    assert parse_prompt("R3142=") == ("R", "3142")
    for junk in ("", "R=", "R12=", "R1234567=", "X123=", "R12a=", "R123", "R 123="):
        assert parse_prompt(junk) is None, junk


def test_character_accuracy_gives_partial_credit_and_no_credit_for_padding() -> None:
    assert char_accuracy("1234", "1234") == 1.0
    assert char_accuracy("1239", "1234") == 0.75
    assert char_accuracy("12340000", "1234") == 0.5  # longer answers cannot buy credit
    assert char_accuracy(None, "1234") == 0.0 and char_accuracy("", "1234") == 0.0
    prompts = [make_prompt("C", "123"), make_prompt("R", "123")]
    assert score_answers(["123", "321"], prompts) == 1.0
    assert score_answers(["123", None], prompts) == 0.5
    assert score_answers(["123"], prompts) == 0.0  # a reply of the wrong shape earns nothing


@pytest.fixture(scope="module")
def held_out_scores() -> dict[int, float]:
    scores = {}
    for steps in (20, 80, 250):
        model = train(TrainConfig(steps=steps))
        scores[steps] = score_answers(complete(model, [p.text for p in HELD_OUT]), HELD_OUT)
    return scores


def test_more_training_answers_held_out_prompts_better(held_out_scores: dict[int, float]) -> None:
    weak, medium, strong = held_out_scores[20], held_out_scores[80], held_out_scores[250]
    assert weak < medium - 0.15 < strong - 0.3, held_out_scores
    assert strong > 0.9  # the strong miner really solves the tasks, it is not merely less bad
    assert weak > 0.1  # and the weak one has learnt something: random digits score ~0.06


def test_the_cache_returns_the_same_model_without_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = TrainConfig(steps=5)
    first = load_or_train(config, tmp_path)
    [stored] = list(tmp_path.iterdir())
    assert stored.name == f"text_lm-{config.key()}.pt"

    def no_training(_config: TrainConfig) -> None:
        raise AssertionError("a cached model was trained again")

    monkeypatch.setattr(training, "train", no_training)
    again = load_or_train(config, tmp_path)
    prompts = [p.text for p in HELD_OUT[:40]]
    assert complete(again, prompts) == complete(first, prompts)


def test_a_damaged_cache_file_is_retrained_not_trusted(tmp_path: Path) -> None:
    config = TrainConfig(steps=3)
    path = tmp_path / f"text_lm-{config.key()}.pt"
    path.write_bytes(b"not a state dict")
    model = load_or_train(config, tmp_path)
    assert complete(model, ["C123="])  # it answers
    assert path.stat().st_size > 1000  # and the good weights replaced the junk


def test_different_settings_cache_apart() -> None:
    assert TrainConfig(steps=20).key() != TrainConfig(steps=80).key()
    assert TrainConfig(steps=20).key() == TrainConfig(steps=20).key()
