"""Persistence of the estimators: Keras archives as bytes, settings as JSON.

pickle/joblib store the network as its ``.keras`` archive (:func:`model_to_bytes`);
``save(path)`` writes a directory that ``load`` reads back with Keras
``safe_mode=True`` (:func:`save_estimator`, :func:`load_estimator`).
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path

import keras
import numpy as np

from tsrnn.estimators.record import FitRecord

__all__ = [
    "decode_json",
    "encode_json",
    "load_estimator",
    "model_from_bytes",
    "model_to_bytes",
    "save_estimator",
]

_FORMAT_VERSION = 1
_SETTINGS_FILE = "estimator.json"
_MODEL_FILE = "model.keras"


def model_to_bytes(model) -> bytes:
    """The ``.keras`` archive of ``model`` (weights, config, optimizer) as bytes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


def model_from_bytes(data: bytes):
    """Inverse of :func:`model_to_bytes`; loads with ``safe_mode=True``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(data)
        return keras.saving.load_model(path, safe_mode=True)


def encode_json(value, name: str = "value"):
    """Turn settings and fitted attributes into JSON-ready values, reversibly.

    Tuples, dicts with non-string keys and numpy arrays are tagged so that
    :func:`decode_json` restores them exactly (``units=(8, 4)`` stays a tuple).
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, int | float):
        return value
    if isinstance(value, tuple):
        return {"__tuple__": [encode_json(v, name) for v in value]}
    if isinstance(value, list):
        return [encode_json(v, name) for v in value]
    if isinstance(value, dict):
        return {
            "__dict__": [
                [encode_json(k, name), encode_json(v, f"{name}[{k!r}]")]
                for k, v in value.items()
            ]
        }
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufUO":
        return {
            "__ndarray__": [encode_json(v, name) for v in value.tolist()],
            "dtype": value.dtype.str if value.dtype.kind != "O" else "object",
            "shape": list(value.shape),
        }
    raise TypeError(
        f"`{name}` must be JSON-representable (None, bool, int, float, str, "
        f"tuple, list, dict or a numeric/text array) to be saved. Got "
        f"{name}={value!r}. Pass an int instead (for `random_state`) or use "
        "pickle/joblib."
    )


def decode_json(value):
    """Inverse of :func:`encode_json`."""
    if isinstance(value, list):
        return [decode_json(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(decode_json(v) for v in value["__tuple__"])
    if "__dict__" in value:
        return {decode_json(k): decode_json(v) for k, v in value["__dict__"]}
    if "__ndarray__" in value:
        dtype = object if value["dtype"] == "object" else np.dtype(value["dtype"])
        items = [decode_json(v) for v in value["__ndarray__"]]
        array = np.empty(len(items), dtype=dtype) if dtype is object else None
        if array is not None and array.ndim == len(value["shape"]):
            array[:] = items
            return array
        return np.array(items, dtype=dtype).reshape(value["shape"])
    return value


def _encode_fitted(key: str, value):
    if isinstance(value, FitRecord):
        value = dataclasses.asdict(value)
    return encode_json(value, key)


def _decode_fitted(key: str, value) -> tuple[str, object]:
    value = decode_json(value)
    if key in ("_fit_record", "_fit_info"):
        # "_fit_info" is the plain dict of directories saved before FitRecord.
        return "_fit_record", FitRecord.from_dict(value)
    return key, value


def save_estimator(estimator, path) -> Path:
    """Write the fitted ``estimator`` to the directory ``path``.

    The directory gets ``model.keras`` (the network with its optimizer state)
    and ``estimator.json`` (the settings of ``get_params`` and the fitted
    attributes). Returns the directory.
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    params = estimator.get_params(deep=False)
    fitted = {
        key: value
        for key, value in vars(estimator).items()
        if key != "model_" and key not in params
    }
    document = {
        "format": _FORMAT_VERSION,
        "class": type(estimator).__name__,
        "params": {key: encode_json(value, key) for key, value in params.items()},
        "fitted": {key: _encode_fitted(key, value) for key, value in fitted.items()},
    }
    text = json.dumps(document, indent=1)
    estimator.model_.save(folder / _MODEL_FILE)
    (folder / _SETTINGS_FILE).write_text(text, encoding="utf-8")
    return folder


def load_estimator(cls, path):
    """Read an instance of ``cls`` written by :func:`save_estimator`.

    The network loads with Keras ``safe_mode=True``.
    """
    folder = Path(path)
    settings = folder / _SETTINGS_FILE
    if not settings.is_file():
        raise FileNotFoundError(
            f"`path` must be a directory written by save(). Got path={str(path)!r}"
            f" with no {_SETTINGS_FILE} in it."
        )
    document = json.loads(settings.read_text(encoding="utf-8"))
    if document.get("class") != cls.__name__:
        raise TypeError(
            f"`path` holds a {document.get('class')}, not a {cls.__name__}. "
            f"Use {document.get('class')}.load(path)."
        )
    params = {k: decode_json(v) for k, v in document["params"].items()}
    # Saved before a parameter existed: the value that describes it.
    params = {**getattr(cls, "_ADDED_PARAMS", {}), **params}
    estimator = cls(**params)
    for key, value in document["fitted"].items():
        setattr(estimator, *_decode_fitted(key, value))
    estimator.model_ = keras.saving.load_model(folder / _MODEL_FILE, safe_mode=True)
    return estimator
