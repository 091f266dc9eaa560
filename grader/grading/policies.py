"""Submission policies: a late penalty (with late days) and a rate limit on full feedback.

Both come from the rubric (its ``late`` and ``rate_limit`` sections, read by ``grader.grading.rubric``) and from
Gradescope's submission metadata: ``/autograder/submission_metadata.json``, which ``run_autograder`` passes to
``grade --metadata`` and with which a TA replays a grade locally. Of that file this module reads ``created_at``
(when the student submitted), ``assignment.due_date``, a member's own ``users[i].assignment.due_date`` (an
extension), and ``previous_submissions[i].submission_time``. What it promises:

- both policies are off unless the rubric has their section; without metadata neither applies (said to the staff);
- every time is the metadata's, never the clock's, so a regrade decides as the first grade did;
- late: each test keeps the points it earned; the document's score is their total less the penalty; a note at
  the top of the page says how late the submission was, the policy, and the points before and after it;
- rate limit: a submission beyond the allowance is graded like any other (its score counts), but the student
  sees only the entries of the rubric's ``rate_limit.show`` suites (default none), no total and no leaderboard,
  and a note at the top that says when the next submission gets full feedback; the staff see everything;
- metadata that cannot be read (missing, too large, not JSON, a field missing or of the wrong type) never fails
  a grade: the policy that needs it is not applied, and ``extra_data["policy"]`` and the log say why.
"""
from __future__ import annotations

import json
import math
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from grader.grading.results import Results

PER = {"day": timedelta(days=1), "hour": timedelta(hours=1)}
DAY_WINDOW = "day"
TRAINING = "training"
"""The name ``rate_limit.show`` gives the graded training runs (the suite of their entries)."""
METADATA_BYTES = 64 * 1024 * 1024
"""The largest metadata file read (previous submissions carry their whole results)."""


class MetadataError(ValueError):
    """The submission metadata cannot be used; the message names the field."""


@dataclass(frozen=True)
class LatePolicy:
    """``late`` in the rubric: after ``grace_minutes``, the first ``late_days`` days late cost nothing; every
    started ``per`` (day or hour) beyond them takes ``penalty_percent`` of the points off, at most ``max_percent``."""

    penalty_percent: float
    per: str = "day"
    late_days: float = 0.0
    max_percent: float = 100.0
    grace_minutes: float = 0.0

    def describe(self) -> str:
        """Returns the policy in one sentence's worth of words."""
        free = f"{_number(self.late_days)} late day{'s' * (self.late_days != 1)} without penalty, then " \
            if self.late_days else ""
        cap = f", at most {_number(self.max_percent)}%" if self.max_percent < 100 else ""
        return f"{free}{_number(self.penalty_percent)}% of the points off per started {self.per} late{cap}"

    def charged(self, late: timedelta) -> tuple[int, float]:
        """Returns the started units (days or hours) charged for being ``late``, and the percent taken off."""
        beyond = late - timedelta(days=self.late_days)
        if late <= timedelta(minutes=self.grace_minutes) or beyond <= timedelta(0):
            return 0, 0.0
        units = math.ceil(beyond / PER[self.per])
        return units, min(units * self.penalty_percent, self.max_percent)


@dataclass(frozen=True)
class RateLimit:
    """``rate_limit`` in the rubric: full feedback for ``submissions`` submissions per calendar day (``window``
    ``"day"``, midnight in ``timezone``, default the offset of Gradescope's timestamps) or in any ``window`` hours;
    beyond, only the suites in ``show`` (``training``: the graded runs) stay visible. Every submission counts."""

    submissions: int
    window: str | float = DAY_WINDOW
    timezone: str | None = None
    show: tuple[str, ...] = ()

    def describe(self) -> str:
        count = f"{self.submissions} submission{'s' * (self.submissions != 1)}"
        if self.window == DAY_WINDOW:
            return f"{count} per day"
        return f"{count} in any {_number(float(self.window))} hours"

    def state(self, created: datetime, previous: list[datetime]) -> tuple[int, datetime | None]:
        """Returns this submission's place among those of its window (1 for the first) and, when it is beyond the
        allowance, when a new submission next gets full feedback (if none is made meanwhile)."""
        earlier = [p for p in previous if p < created]
        if self.window == DAY_WINDOW:
            zone: tzinfo = ZoneInfo(self.timezone) if self.timezone else created.tzinfo
            day = created.astimezone(zone).date()
            place = 1 + sum(p.astimezone(zone).date() == day for p in earlier)
            midnight = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(days=1)
            return place, midnight if place > self.submissions else None
        span = timedelta(hours=float(self.window))
        recent = sorted([created, *(p for p in earlier if created - p < span)], reverse=True)
        place = len(recent)
        return place, recent[self.submissions - 1] + span if place > self.submissions else None


def read_metadata(path: Path) -> dict:
    """Returns Gradescope's submission metadata in ``path`` (a JSON object); raises MetadataError saying why not."""
    try:
        size = Path(path).stat().st_size
        if size > METADATA_BYTES:
            raise MetadataError(f"{path} holds {size} bytes, more than the {METADATA_BYTES} read")
        data = json.loads(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise MetadataError(f"{path} cannot be read as JSON: {exc}") from None
    if not isinstance(data, dict):
        raise MetadataError(f"{path} must hold a JSON object, got {type(data).__name__}")
    return data


def timestamp(value: Any, field: str) -> datetime:
    """Returns the ISO 8601 time ``value`` of metadata field ``field``, which must carry its UTC offset."""
    if not isinstance(value, str):
        raise MetadataError(f"{field} must be an ISO 8601 time, got {value!r}"[:300])
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise MetadataError(f"{field} must be an ISO 8601 time, got {value!r}"[:300]) from None
    if when.tzinfo is None or when.utcoffset() is None:
        raise MetadataError(f"{field} has no UTC offset: {value!r}"[:300])
    return when


def due_date(meta: dict) -> datetime | None:
    """Returns the due date of this submission: the assignment's, or a member's own (an extension); in a group,
    the latest of its members'. None when the metadata sets none."""
    assignment = meta.get("assignment")
    if not isinstance(assignment, dict):
        raise MetadataError(f"assignment must be an object, got {assignment!r}"[:300])
    base = assignment.get("due_date")
    base = None if base is None else timestamp(base, "assignment.due_date")
    users = meta.get("users") or []
    if not isinstance(users, list):
        raise MetadataError("users must be a list")
    dates = []
    for i, user in enumerate(users):
        own = user.get("assignment") if isinstance(user, dict) else None
        if isinstance(own, dict) and own.get("due_date") is not None:
            dates.append(timestamp(own["due_date"], f"users[{i}].assignment.due_date"))
        elif base is not None:
            dates.append(base)
    return max(dates, default=base)


def previous_times(meta: dict) -> list[datetime]:
    """Returns the times of the earlier submissions of this assignment by the same submitter."""
    previous = meta.get("previous_submissions") or []
    if not isinstance(previous, list):
        raise MetadataError("previous_submissions must be a list")
    return [timestamp(p.get("submission_time") if isinstance(p, dict) else p,
                      f"previous_submissions[{i}].submission_time") for i, p in enumerate(previous)]


def apply_policies(late: LatePolicy | None, rate_limit: RateLimit | None, metadata: Path | None,
                   results: Results) -> None:
    """Applies the rubric's late policy and rate limit to the graded ``results``, by the submission metadata in
    ``metadata``. Never raises: what keeps a policy from applying is kept for the staff and printed."""
    if late is None and rate_limit is None:
        return
    staff = results.staff.setdefault("policy", {})
    if metadata is None:
        _not_applied(results, "no submission metadata was given (grade --metadata FILE)")
        return
    try:
        meta = read_metadata(metadata)
        created = timestamp(meta.get("created_at"), "created_at")
        staff["submitted"] = created.isoformat()
        notes = []
        if rate_limit is not None:
            notes += _guarded(results, "rate limit", lambda: _limit(rate_limit, created, meta, results))
        if late is not None:
            notes += _guarded(results, "late policy", lambda: _late(late, created, meta, results))
        for note in reversed(notes):
            results.note(note, first=True)
    except MetadataError as exc:
        _not_applied(results, f"{metadata}: {exc}")
    except Exception as exc:  # a bug here must not cost the grade
        traceback.print_exc()
        _not_applied(results, f"the grader failed: {type(exc).__name__}: {exc}")


def _guarded(results: Results, what: str, apply) -> list[str]:
    """Returns the notes of one policy; a problem in the metadata it reads leaves it unapplied, for the staff."""
    try:
        return [note for note in [apply()] if note]
    except MetadataError as exc:
        _not_applied(results, f"{what}: {exc}")
        return []


def _not_applied(results: Results, why: str) -> None:
    results.staff.setdefault("policy", {}).setdefault("not_applied", []).append(why[:1000])
    print(f"policy: not applied: {why[:1000]}", flush=True)


def _limit(policy: RateLimit, created: datetime, meta: dict, results: Results) -> str | None:
    place, next_full = policy.state(created, previous_times(meta))
    facts: dict[str, Any] = {"policy": policy.describe(), "place_in_window": place, "limited": next_full is not None}
    results.staff["policy"]["rate_limit"] = facts
    if next_full is None:
        return None
    facts["next_full_feedback"] = next_full.isoformat()
    shown = set(policy.show)
    for entry in results.entries:
        if entry.suite not in shown:
            entry.visibility = "hidden"
    if results.leaderboard:
        facts["leaderboard"], results.leaderboard = list(results.leaderboard), []
    results.withheld = True
    names = ", ".join(policy.show)
    what = (f"only the tests of {names}" if names else "nothing more") + " (the course staff see everything)"
    span = "today" if policy.window == DAY_WINDOW else f"in the last {_number(float(policy.window))} hours"
    return (f"Feedback limited: the course gives full feedback for {policy.describe()}, and this is your "
            f"{_ordinal(place)} submission {span}. It was graded and its score counts, but this page shows {what}. "
            f"Your next submission gets full feedback from {_when(next_full)} on.")


def _late(policy: LatePolicy, created: datetime, meta: dict, results: Results) -> str | None:
    due = due_date(meta)
    facts: dict[str, Any] = {"policy": policy.describe(), "due": None if due is None else due.isoformat()}
    results.staff["policy"]["late"] = facts
    if due is None:
        raise MetadataError("the metadata sets no due date (assignment.due_date)")
    late = created - due
    facts["hours_late"] = round(max(late / timedelta(hours=1), 0.0), 4)
    if late <= timedelta(minutes=policy.grace_minutes):
        return None
    units, percent = policy.charged(late)
    before = results.score
    results.deduction = round(before * percent / 100, 6)
    facts.update(percent_off=percent, points_before=round(before, 6), points_after=round(results.total, 6))
    head = f"Late: submitted {_duration(late)} after the due date ({_when(due.astimezone(created.tzinfo))})."
    if percent == 0:
        return f"{head} That is within the {_number(policy.late_days)} late days this assignment allows: no penalty."
    charged = f"{units} started {policy.per}{'s' * (units != 1)}" + " beyond the late days" * bool(policy.late_days)
    points = ("its points are not shown, with the rest of this submission's feedback" if results.withheld else
              f"{_number(before)}/{_number(results.max_score)} points before the penalty, "
              f"{_number(results.total)}/{_number(results.max_score)} after")
    return f"{head} This assignment's late policy: {policy.describe()}. This submission: {charged}, " \
           f"{_number(percent)}% off: {points}."


def _number(value: float) -> str:
    return f"{round(value, 2):g}"



def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _when(moment: datetime) -> str:
    return f"{moment.strftime('%a %d %b %Y %H:%M')} {moment.tzname()}"


def _duration(span: timedelta) -> str:
    """Returns ``span`` in words, its two largest parts (``1 day 3 hours``, ``40 minutes``)."""
    minutes = int(span.total_seconds() // 60)
    parts = [(minutes // 1440, "day"), (minutes // 60 % 24, "hour"), (minutes % 60, "minute")]
    words = [f"{n} {unit}{'s' * (n != 1)}" for n, unit in parts if n]
    return " ".join(words[:2]) if words else "less than a minute"
