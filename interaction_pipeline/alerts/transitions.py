"""Saying each problem once: an alert when something goes wrong or goes wrong differently, one more when it
is right again, and nothing while it stays as it was.

A problem is a subject (a sync asset, a check, the events load) and a one-line description; what was last
said about each subject is kept between evaluations (a sensor's cursor).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    subject: str
    problem: str | None  # None: the subject is right again
    was: str | None  # what was said before


def changes(said: dict[str, str], now: dict[str, str]) -> list[Change]:
    """What to say, given what was said (subject -> problem) and the problems found now."""
    found = [Change(subject, problem, said.get(subject)) for subject, problem in sorted(now.items())]
    news = [change for change in found if change.problem != change.was]
    return news + [
        Change(subject, None, problem) for subject, problem in sorted(said.items()) if subject not in now
    ]
