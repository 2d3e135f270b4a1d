"""Declarative checks of estimator settings, run once at the start of ``fit``.

Each estimator class lists its constraints in ``_parameter_constraints``, a dict
from a parameter name to a list of constraints; a value is valid when one of them
accepts it (as scikit-learn does). :func:`validate_params` checks every listed
parameter in order and raises with the error template of STYLE.md. Checks that
tie several parameters together (``architecture="seq2seq"`` forbidding
``bidirectional=True``) stay in the estimator, after these.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

from tsrnn.core.validation import message

__all__ = ["Interval", "Options", "validate_params"]


@dataclass(frozen=True)
class Interval:
    """Numbers of type ``kind`` between ``left`` and ``right`` (None: unbounded).

    ``closed`` is "both", "left", "right" or "neither". A value of another type
    raises ``wrong_type``, one out of range ValueError. Booleans are never
    numbers here: ``epochs=True`` is almost always a mistake.

    Examples
    --------
    >>> Interval(numbers.Real, 0, 1, closed="neither").rule
    'a float in (0, 1)'
    """

    kind: type
    left: float | None = None
    right: float | None = None
    closed: str = "both"
    rule_text: str | None = None
    fix: str = ""
    wrong_type: type[Exception] = TypeError

    @property
    def rule(self) -> str:
        if self.rule_text is not None:
            return self.rule_text
        integral = self.kind is numbers.Integral
        if self.right is None and self.left is not None:
            if integral and self.left == 1 and self.closed in ("both", "left"):
                return "a positive integer"
            if not integral and self.left == 0 and self.closed in ("right", "neither"):
                return "a positive float"
            sign = ">=" if self.closed in ("both", "left") else ">"
            return f"{'an integer' if integral else 'a float'} {sign} {self.left}"
        low = "[" if self.closed in ("both", "left") else "("
        high = "]" if self.closed in ("both", "right") else ")"
        left = "-inf" if self.left is None else self.left
        right = "inf" if self.right is None else self.right
        return f"{'an int' if integral else 'a float'} in {low}{left}, {right}{high}"

    def error(self, value) -> type[Exception] | None:
        """The exception class ``value`` deserves, or None if it is valid."""
        if isinstance(value, bool) or not isinstance(value, self.kind):
            return self.wrong_type
        # Written as membership, so that NaN is in no interval.
        above = self.left is None or (
            value > self.left
            or (value == self.left and self.closed in ("both", "left"))
        )
        below = self.right is None or (
            value < self.right
            or (value == self.right and self.closed in ("both", "right"))
        )
        return None if above and below else ValueError


@dataclass(frozen=True)
class Options:
    """One of ``values`` (compared with ``==``; None allowed among them).

    Examples
    --------
    >>> Options(("rnn", "seq2seq")).rule
    "one of ['rnn', 'seq2seq']"
    """

    values: tuple
    rule_text: str | None = None
    fix: str = ""

    @property
    def rule(self) -> str:
        return self.rule_text or f"one of {list(self.values)}"

    def error(self, value) -> type[Exception] | None:
        """ValueError unless ``value`` is one of ``values``."""
        try:
            return None if value in self.values else ValueError
        except (TypeError, ValueError):  # an array, or a value without ==
            return ValueError


def validate_params(params: dict, constraints: dict) -> None:
    """Raise for the first parameter of ``constraints`` that none of its accept.

    Parameters
    ----------
    params : dict
        Parameter values, e.g. ``estimator.get_params(deep=False)``.
    constraints : dict of str to list
        :class:`Interval` and :class:`Options` per parameter name.

    Examples
    --------
    >>> validate_params({"epochs": 0}, {"epochs": [Interval(numbers.Integral, 1)]})
    Traceback (most recent call last):
    ...
    ValueError: `epochs` must be a positive integer. Got epochs=0.
    """
    for name, accepted in constraints.items():
        value = params[name]
        errors = [constraint.error(value) for constraint in accepted]
        if None in errors:
            continue
        rule = " or ".join(constraint.rule for constraint in accepted)
        fix = " ".join(constraint.fix for constraint in accepted if constraint.fix)
        raise errors[0](message(name, rule, value, fix))
