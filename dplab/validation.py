"""Checks at the public boundary: the wrong type is a TypeError, a bad value a ValueError
naming the argument (diffprivlib's manners). Nothing past the boundary re-checks."""

from __future__ import annotations

import math
import numbers

import numpy as np


def real(value: object, name: str) -> float:
    """A finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number}")
    return number


def positive(value: object, name: str) -> float:
    """A finite number > 0 (epsilon, a scale)."""
    number = real(value, name)
    if not number > 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return number


def non_negative(value: object, name: str) -> float:
    """A finite number >= 0 (a sensitivity)."""
    number = real(value, name)
    if number < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return number


def probability_open(value: object, name: str) -> float:
    """A number strictly between 0 and 1 (delta)."""
    number = real(value, name)
    if not 0 < number < 1:
        raise ValueError(f"{name} must lie in (0, 1), got {value}")
    return number


def finite_array(value: object, name: str) -> np.ndarray:
    """A float array (or scalar) with no NaN or infinity."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or an array of numbers") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must not contain NaN or infinity")
    return array


def whole(value: object, name: str, minimum: int = 1) -> int:
    """A whole number >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__}")
    if int(value) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)
