"""Dataset loaders, the .ts reader and ETTh1 download, on the real files."""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
import socket
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tsrnn import datasets
from tsrnn.datasets import (
    ETTH1_COLUMNS,
    load_airline,
    load_basic_motions,
    load_classification,
    load_etth1,
    load_gunpoint,
    load_italy_power_demand,
    load_japanese_vowels,
    load_sunspots,
    read_ts,
)

REPO_DATASETS = Path(__file__).resolve().parents[1] / "datasets"
CLASSIFICATION_FILES = sorted(p.name for p in REPO_DATASETS.glob("*.ts"))


# ----------------------------------------------------------------- bundled files
def test_bundled_files_are_byte_identical_to_the_checked_shared_copies(shared_data):
    sums = {}
    for line in (shared_data / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        sums[Path(name).name] = digest
    bundled = {"airline.csv", "sunspots_yearly.csv", *CLASSIFICATION_FILES}
    assert len(CLASSIFICATION_FILES) == 8
    for name in bundled:
        digest = hashlib.sha256((REPO_DATASETS / name).read_bytes()).hexdigest()
        assert digest == sums[name], name


def test_etth1_is_not_in_the_repository():
    # CC BY-ND 4.0: it must be loaded from a user data directory, never shipped.
    assert not [p for p in REPO_DATASETS.iterdir() if "etth" in p.name.lower()]


# ------------------------------------------------------------------- forecasting
def test_load_airline_returns_144_month_starts_from_112_passengers():
    y = load_airline()
    assert y.shape == (144,)
    assert y.name == "Passengers"
    assert y.index.freqstr == "MS"
    assert y.index[0] == pd.Timestamp("1949-01-01")
    assert y.index[-1] == pd.Timestamp("1960-12-01")
    assert y.iloc[0] == 112
    assert y.iloc[-1] == 432
    assert y.dtype == np.float64


def test_load_sunspots_returns_309_year_starts():
    y = load_sunspots()
    assert y.shape == (309,)
    assert y.name == "SUNACTIVITY"
    assert y.index.freq == pd.offsets.YearBegin(month=1)
    assert y.index[0] == pd.Timestamp("1700-01-01")
    assert y.index[-1] == pd.Timestamp("2008-01-01")
    assert y.iloc[0] == 5.0
    assert not y.isna().any()


@pytest.mark.parametrize("loader", [load_airline, load_sunspots])
def test_forecasting_loaders_return_a_fresh_object_each_call(loader):
    first = loader()
    first.iloc[0] = -1.0
    assert loader().iloc[0] != -1.0


# ---------------------------------------------------------------- classification
@pytest.mark.parametrize(
    ("loader", "split", "shape", "labels"),
    [
        (load_gunpoint, "train", (50, 150, 1), {"1", "2"}),
        (load_gunpoint, "test", (150, 150, 1), {"1", "2"}),
        (load_italy_power_demand, "train", (67, 24, 1), {"1", "2"}),
        (load_italy_power_demand, "test", (1029, 24, 1), {"1", "2"}),
        (
            load_basic_motions,
            "train",
            (40, 100, 6),
            {"Standing", "Running", "Walking", "Badminton"},
        ),
        (
            load_basic_motions,
            "test",
            (40, 100, 6),
            {"Standing", "Running", "Walking", "Badminton"},
        ),
    ],
)
def test_equal_length_problems_load_as_3d_float_arrays(loader, split, shape, labels):
    X, y = loader(split=split)
    assert isinstance(X, np.ndarray)
    assert X.shape == shape
    assert X.dtype == np.float64
    assert np.isfinite(X).all()
    assert y.shape == (shape[0],)
    assert set(y.tolist()) == labels


def test_japanese_vowels_loads_as_list_of_unequal_12_channel_arrays():
    X_train, y_train = load_japanese_vowels("train")
    X_test, y_test = load_japanese_vowels("test")
    assert (len(X_train), len(X_test)) == (270, 370)
    lengths = [len(x) for x in X_train + X_test]
    assert (min(lengths), max(lengths)) == (7, 29)
    assert {x.shape[1] for x in X_train + X_test} == {12}
    assert (
        set(y_train.tolist()) == set(y_test.tolist()) == {str(i) for i in range(1, 10)}
    )
    # 30 training utterances per speaker, as documented for the problem.
    assert set(np.unique(y_train, return_counts=True)[1].tolist()) == {30}


def test_load_classification_matches_the_named_shortcut():
    X_a, y_a = load_classification("ItalyPowerDemand", split="test")
    X_b, y_b = load_italy_power_demand(split="test")
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"name": "GunPoint", "split": "TRAIN"}, r"`split` must be 'train' or 'test'"),
        ({"name": "GunPoint", "split": "valid"}, r"Got split='valid'"),
        ({"name": "Gunpoint"}, r"`name` must be one of \['GunPoint'"),
        ({"name": "../GunPoint"}, r"`name` must be a dataset name"),
    ],
)
def test_load_classification_rejects_bad_name_or_split(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_classification(**kwargs)


def test_datasets_env_var_points_the_loaders_at_another_folder(tmp_path, monkeypatch):
    shutil.copy(REPO_DATASETS / "GunPoint_TEST.ts", tmp_path / "GunPoint_TEST.ts")
    monkeypatch.setenv("TSRNN_DATASETS", str(tmp_path))
    X, _ = load_gunpoint(split="test")
    assert X.shape == (150, 150, 1)

    with pytest.raises(FileNotFoundError, match=r"TSRNN_DATASETS") as info:
        load_airline()
    assert str(tmp_path) in str(info.value)


# --------------------------------------------------------------------- read_ts
def _naive_first_case(path: Path):
    """Independent reading of the first data line: channels, then the label."""
    lines = path.read_text().splitlines()
    first = lines[lines.index("@data") + 1]
    *channels, label = first.split(":")
    return [[float(v) for v in c.split(",")] for c in channels], label, lines


@pytest.mark.parametrize("filename", CLASSIFICATION_FILES)
def test_read_ts_reads_every_case_of_each_real_file(filename):
    path = REPO_DATASETS / filename
    X, y = read_ts(path)

    channels, label, lines = _naive_first_case(path)
    n_data_lines = len(lines) - lines.index("@data") - 1
    assert len(X) == len(y) == n_data_lines
    assert y[0] == label
    np.testing.assert_array_equal(np.asarray(X[0]).T, channels)
    declared = next(ln for ln in lines if ln.startswith("@classLabel")).split()[2:]
    assert set(y.tolist()) <= set(declared)


def _write(tmp_path: Path, text: str, name: str = "Toy_TRAIN.ts") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


HEADER = (
    "# a comment\n@problemName Toy\n@univariate true\n@classLabel true a b\n@data\n"
)


def test_read_ts_reads_question_marks_as_nan_and_skips_blank_lines(tmp_path):
    path = _write(tmp_path, HEADER + "1,?,3:a\n\n4,5,6:b\n")
    X, y = read_ts(path)
    assert X.shape == (2, 3, 1)
    assert np.isnan(X[0, 1, 0])
    assert X[1, :, 0].tolist() == [4.0, 5.0, 6.0]
    assert y.tolist() == ["a", "b"]


def test_read_ts_returns_list_for_unequal_lengths_and_none_without_labels(tmp_path):
    path = _write(tmp_path, "@dimensions 2\n@classLabel false\n@data\n1,2:3,4\n5:6\n")
    X, y = read_ts(path)
    assert y is None
    assert isinstance(X, list)
    assert [x.tolist() for x in X] == [[[1, 3], [2, 4]], [[5, 6]]]


def test_read_ts_returns_list_when_header_says_unequal_even_if_lengths_agree(tmp_path):
    text = "@equalLength false\n@classLabel true a\n@data\n1,2:a\n3,4:a\n"
    X, _ = read_ts(_write(tmp_path, text))
    assert isinstance(X, list)
    assert len(X) == 2


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (
            HEADER.replace("@data\n", "") + "1,2,3:a\n",
            r"Toy_TRAIN\.ts line 5: expected a @header or @data",
        ),
        ("@problemName Toy\n@classLabel true a\n", r"line 2: no @data line"),
        ("@problemName Toy\n@data\n1,2:a\n", r"line 2: @data comes before any @class"),
        (
            HEADER + "1,2,3:a\n1,2:3,4:b\n",
            r"Toy_TRAIN\.ts line 7: expected 1 channel, got 2",
        ),
        (HEADER + "1,2,3:a\n4,5,6:c\n", r"line 7: class label 'c' is not declared"),
        (
            HEADER + "1,abc,3:a\n",
            r"line 6: non-numeric value 'abc' in channel 0 at step 1",
        ),
        (HEADER + "1,,3:a\n", r"line 6: non-numeric value '' in channel 0 at step 1"),
        (HEADER + "1,2,3\n", r"line 6: expected values then ':' and a class label"),
        (HEADER + "1,2,3:a\n@data\n", r"line 7: header line after @data"),
        (
            "@dimensions 2\n@equalLength true\n@classLabel true a\n@data\n"
            "1,2,3:4,5:a\n",
            r"line 5: channels of one case must have equal lengths, "
            r"got lengths \[3, 2\]",
        ),
        (
            HEADER.replace("@data", "@seriesLength 3\n@data") + "1,2,3:a\n1,2:a\n",
            r"line 8: expected 3 values per channel \(@seriesLength\), got 2",
        ),
        (
            HEADER.replace("@data", "@equalLength true\n@data") + "1,2,3:a\n1,2:a\n",
            r"Toy_TRAIN\.ts: @equalLength true but case 1 has length 2",
        ),
        (
            "@univariate maybe\n@classLabel true a\n@data\n",
            r"line 1: @univariate must be",
        ),
        (
            "@dimensions two\n@classLabel true a\n@data\n",
            r"line 1: @dimensions must be",
        ),
        ("@classLabel true\n@data\n", r"line 1: @classLabel true must list the class"),
        (
            "@timestamps true\n@classLabel true a\n@data\n(0,1.0):a\n",
            r"line 3: @timestamps true files are not supported",
        ),
        (
            "@univariate true\n@dimensions 3\n@classLabel true a\n@data\n1:2:3:a\n",
            r"@univariate true contradicts @dimensions > 1",
        ),
        (
            "@classLabel true a\n@data\n# only a comment\n",
            r"line 3: no cases after @data",
        ),
    ],
)
def test_read_ts_names_file_line_and_reason_on_malformed_input(tmp_path, body, match):
    with pytest.raises(ValueError, match=match):
        read_ts(_write(tmp_path, body))


# ------------------------------------------------------------------------ ETTh1
def test_load_etth1_reads_the_shared_copy_without_writing(etth1_dir):
    before = sorted(p.name for p in etth1_dir.iterdir())
    frame = load_etth1(etth1_dir, download=False)

    assert frame.shape == (17_420, 7)
    assert list(frame.columns) == list(ETTH1_COLUMNS)
    assert frame.index.name == "date"
    assert frame.index.freqstr == "h"
    assert frame.index[0] == pd.Timestamp("2016-07-01 00:00")
    assert frame.index[-1] == pd.Timestamp("2018-06-26 19:00")
    assert (frame.dtypes == np.float64).all()
    assert frame["OT"].iloc[0] == pytest.approx(30.5310001373291)
    assert sorted(p.name for p in etth1_dir.iterdir()) == before


def test_load_etth1_uses_the_data_dir_env_var(etth1_dir, monkeypatch):
    monkeypatch.setenv("TSRNN_DATA_DIR", str(etth1_dir))
    assert load_etth1(download=False).shape == (17_420, 7)


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/ETTh1.csv"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def etth1_server(etth1_dir):
    """A local HTTP server on 127.0.0.1 serving the shared ETTh1 folder."""
    handler = functools.partial(_QuietHandler, directory=str(etth1_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/ETTh1.csv"
    server.shutdown()
    server.server_close()
    thread.join()


def test_load_etth1_downloads_once_into_a_new_data_dir(
    etth1_server, etth1_dir, tmp_path
):
    data_dir = tmp_path / "new" / "cache"
    frame = load_etth1(data_dir, url=etth1_server, timeout=10)

    assert frame.shape == (17_420, 7)
    assert sorted(p.name for p in data_dir.iterdir()) == ["ETTh1.csv"]
    assert (data_dir / "ETTh1.csv").read_bytes() == (
        etth1_dir / "ETTh1.csv"
    ).read_bytes()
    # The second call reads the cached file and never touches the network.
    again = load_etth1(data_dir, url=_closed_port_url(), timeout=1)
    pd.testing.assert_frame_equal(frame, again)


def test_load_etth1_offline_says_where_to_put_the_file(tmp_path):
    url = _closed_port_url()
    with pytest.raises(FileNotFoundError) as info:
        load_etth1(tmp_path, url=url, timeout=2)
    message = str(info.value)
    assert url in message
    assert str(tmp_path / "ETTh1.csv") in message
    assert "TSRNN_DATA_DIR" in message
    assert "downloading it failed" in message
    assert list(tmp_path.iterdir()) == []


def test_load_etth1_without_download_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv("TSRNN_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError) as info:
        load_etth1(download=False)
    message = str(info.value)
    assert str(tmp_path / "tsrnn") in message
    assert datasets.ETTH1_URL in message
    assert "download=False" in message
    assert "TSRNN_DATA_DIR" in message


def test_load_etth1_rejects_a_download_that_is_not_etth1(etth1_dir, tmp_path):
    source = tmp_path / "mirror"
    source.mkdir()
    lines = (etth1_dir / "ETTh1.csv").read_text().splitlines()
    (source / "ETTh1.csv").write_text("\n".join(lines[:1000]) + "\n")
    target = tmp_path / "data"

    with pytest.raises(ValueError, match=r"not ETTh1: .* must have 17420 rows"):
        load_etth1(target, url=(source / "ETTh1.csv").as_uri())
    assert list(target.iterdir()) == []


def test_load_etth1_rejects_a_corrupt_local_file_and_says_to_delete_it(tmp_path):
    (tmp_path / "ETTh1.csv").write_text("date,HUFL\n2016-07-01 00:00:00,1.0\n")
    with pytest.raises(ValueError, match=r"must have the columns .* Delete"):
        load_etth1(tmp_path, download=False)


def test_load_etth1_rejects_non_bool_download(tmp_path):
    with pytest.raises(TypeError, match=r"`download` must be True or False"):
        load_etth1(tmp_path, download="no")


@pytest.mark.parametrize(
    ("name", "n_series", "horizon"),
    [
        ("m1_monthly", 617, 18),
        ("tourism_monthly", 366, 24),
        ("tourism_quarterly", 427, 8),
    ],
)
def test_load_panel_reads_the_shared_competition_panels(
    shared_data, name, n_series, horizon
):
    panel = datasets.load_panel(name, shared_data / "forecasting")
    assert panel.columns.tolist() == ["id", "date", "value", "split"]
    assert panel["id"].nunique() == n_series
    tests = panel[panel["split"] == "test"].groupby("id").size()
    assert (tests == horizon).all()
    # The test part is the end of every series.
    last = panel.groupby("id")["date"].max()
    assert (panel[panel["split"] == "test"].groupby("id")["date"].max() == last).all()


def test_load_panel_errors_say_what_to_do(tmp_path, shared_data):
    with pytest.raises(FileNotFoundError, match="TSRNN_DATA_DIR"):
        datasets.load_panel("m1_monthly", tmp_path)
    with pytest.raises(ValueError, match="`name` must be one of"):
        datasets.load_panel("m4_hourly", tmp_path)
    (tmp_path / "m1_monthly.csv").write_text("id,date,value\na,2000-01-01,1\n")
    with pytest.raises(ValueError, match="is not the m1_monthly panel"):
        datasets.load_panel("m1_monthly", tmp_path)
