"""The graded training runs of the rubric: the student's code trains, the grader alone scores.

The worker trains the student's model with the student's optimizer and loop on
the training split and returns predictions for the test inputs; this process
loads the data with its own loaders (``grader.grading.datasets``) and alone
holds the test labels.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from grader.grading.datasets import graded_split
from grader.grading.messages import failure_message
from grader.grading.results import Results
from grader.grading.rubric import Rubric, TrainingRun
from grader.sandbox import Limits, MachineFault, StudentCodeError
from grader.testkit import checks
from grader.testkit.harness import PROBE_PACKAGE
from grader.training.config import ConfigError, load_config, validate
from grader.training.registry import EMBEDDED_DATASETS

TRAIN_PROBE = f"{PROBE_PACKAGE}.training:train_and_predict"  # by name: a grade without runs never imports torch


def score_predictions(run: TrainingRun, predictions, y_test: np.ndarray) -> tuple[float, str, float | None]:
    """Returns (points, output, accuracy) for the predictions a training run returned."""
    try:
        labels = checks.array(predictions, "the predicted labels", shape=y_test.shape, kind="iu")
    except AssertionError as exc:
        return 0.0, str(exc), None
    accuracy = float(np.mean(labels == y_test))
    points = run.points_for(accuracy)
    output = f"test accuracy {accuracy:.4f}"
    if run.points:
        output += f"\nfull points at {run.full:.3f} or more, none at {run.zero:.3f} or less"
    return points, output, accuracy


def _training_config(run: TrainingRun, experiment: Path | None, device: str) -> tuple[dict, bool]:
    """Returns (checked config, whether it came from the submission).

    A config from the submission chooses the model, optimizer, training and
    seed, and whether to normalize; the data and its split are the rubric's.
    """
    rubric_config = load_config(run.config, {"device": device})
    if rubric_config["data"]["name"] not in EMBEDDED_DATASETS:
        raise ConfigError(f"{run.config}: data.name must be one of {', '.join(EMBEDDED_DATASETS)} for a graded run, "
                          f"got {rubric_config['data']['name']}")
    if not (run.from_submission and experiment is not None):
        return rubric_config, False
    config = load_config(experiment, {"device": device})
    config["data"] = {**rubric_config["data"], "normalize": config["data"]["normalize"]}
    return validate(config), True


def run_training(rubric: Rubric, runner, limits: Limits, results: Results, experiment: Path | None, device: str,
                 blocked: str | None) -> None:
    """Runs and scores every graded training run of the rubric under ``limits``; entries go to ``results``.

    A run that hangs or crashes costs only its own points: each run is its own
    call, never skipped because another one failed.
    """
    for run in rubric.training:
        if blocked:
            results.add_run(run.name, 0.0, run.points, False, f"Not run: {blocked}", "not run")
            continue
        try:
            config, from_student = _training_config(run, experiment, device)
        except ConfigError as exc:
            if not run.from_submission:
                raise
            results.add_run(run.name, 0.0, run.points, False, f"Your configs/experiment.yaml cannot be used: {exc}",
                            "config rejected")
            continue
        X_train, y_train, X_val, y_val, X_test, y_test = graded_split(config["data"], run.name)
        try:
            reply = runner.run(TRAIN_PROBE, [config, X_train, y_train, X_val, y_val, X_test], {},
                               timeout=run.time_limit_s, limits=limits, key=("training", run.name))
        except StudentCodeError as exc:  # the message is not the student's text: the test inputs stay here
            results.add_run(run.name, 0.0, run.points, False, f"Training failed: {failure_message(exc, False)}",
                            "training failed")
            continue
        except MachineFault as exc:
            results.not_graded(results.add_run(run.name, 0.0, run.points, False, "", "not graded (machine fault)"),
                               str(exc))
            continue
        predictions = reply.get("predictions") if isinstance(reply, dict) else None
        points, output, accuracy = score_predictions(run, predictions, y_test)
        if from_student:
            output += ("\n(trained with your configs/experiment.yaml, on the rubric's data: "
                       f"{config['data']['name']}, the same split for everyone)")
        results.add_run(run.name, points, run.points, points >= run.points and accuracy is not None, output,
                        output.splitlines()[0], accuracy=accuracy)
        if run.leaderboard and accuracy is not None:
            results.add_leaderboard(run.leaderboard, round(accuracy, 4), "desc")
