"""The column helpers the columnar readers share (ocrframe.flatten.arrow.columns): list lengths
read from the offsets, ids and strings as the frames' ``str`` columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from ocrframe.flatten.arrow.columns import explode, lengths, repeat_ids, strings

STR = pd.api.types.pandas_dtype("str")


def test_a_null_list_backed_by_values_has_no_length_as_flatten_skips_them():
    offsets = pa.array([0, 2, 5, 6], pa.int32())
    lists = pa.ListArray.from_arrays(
        offsets, pa.array(range(6)), mask=pa.array([False, True, False])
    )
    assert lengths(lists).tolist() == [2, 0, 1]
    values, owner, index = explode(lists, np.arange(3))
    assert values.to_pylist() == [0, 1, 5]
    assert owner.tolist() == [0, 0, 2] and index.tolist() == [0, 1, 0]


def test_lengths_of_slices_large_lists_and_chunked_columns():
    lists = pa.array([[1], [2, 3], [], None, [4, 5, 6]])
    assert lengths(lists.slice(1, 3)).tolist() == [2, 0, 0]
    assert lengths(pa.array([[1, 2], None], pa.large_list(pa.int64()))).tolist() == [2, 0]
    chunked = pa.chunked_array([lists.slice(0, 2), lists.slice(2)])
    assert lengths(chunked).tolist() == [1, 2, 0, 0, 3]
    assert lengths(pa.nulls(2)).tolist() == [0, 0]


def test_repeat_ids_gives_each_row_its_value_as_a_str_column():
    column = repeat_ids(["a.json", "b.json"], np.array([1, 0, 1]))
    assert column.dtype == STR
    assert column.tolist() == ["b.json", "a.json", "b.json"]
    assert repeat_ids(["a.json"], np.array([], dtype=np.int64)).tolist() == []


def test_strings_keep_nulls_as_the_str_dtype_missing_value():
    column = strings(pa.array(["x", None, "ร้าน"]))
    assert column.dtype == STR
    assert column[0] == "x" and pd.isna(column[1]) and column[2] == "ร้าน"


def test_repeat_ids_of_one_value_repeat_its_bytes_as_the_take_would():
    for value in ("smart-document-recognizer", "", "ร้าน", None):
        column = repeat_ids([value], np.zeros(3, dtype=np.int64))
        taken = repeat_ids([value, "other"], np.zeros(3, dtype=np.int64))
        assert column.dtype == STR
        pd.testing.assert_extension_array_equal(column, taken)
        assert pa.array(column).type == pa.array(taken).type == pa.large_string()
