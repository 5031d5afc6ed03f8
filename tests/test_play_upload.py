"""The user's own CSV: validated line by line, every problem a clear error."""

import numpy as np
import pytest

from neuralab.play import limits
from neuralab.play.upload import parse_csv


def rows(n, label=lambda i: i % 2):
    return "\n".join(f"{i * 0.01},{-i * 0.02},{label(i)}" for i in range(n))


def test_numbers_with_and_without_a_header():
    table, notes = parse_csv(rows(12))
    assert table.x.shape == (12, 2) and table.x.dtype == np.float32 and not table.header
    np.testing.assert_allclose(table.x[3], [0.03, -0.06], rtol=1e-6)
    assert table.classes == 2 and table.y.tolist() == [i % 2 for i in range(12)]
    assert notes == ["2 classes"]
    assert parse_csv("x1,x2,label\n" + rows(12))[0].header


def test_labels_become_classes_or_real_targets():
    assert parse_csv(rows(20, lambda i: [3, 7, 9][i % 3]))[0].y.tolist()[:3] == [0, 1, 2]
    real, notes = parse_csv(rows(20, lambda i: i * 0.5))
    assert real.classes == 0 and real.y.dtype == np.float32 and "regression" in notes[0]
    many, _ = parse_csv(rows(20, lambda i: i % 6))  # 6 whole values: too many classes
    assert many.classes == 0


@pytest.mark.parametrize(("text", "message"), [
    (rows(12) + "\n1,2", "line 13: expected 3 values"),
    (rows(5) + "\n1,abc,0\n" + rows(6), "line 6: 'abc' is not a finite number"),
    (rows(5) + "\n1,nan,0\n" + rows(6), "'nan' is not a finite number"),
    (rows(12) + "\n1,inf,0", "'inf' is not a finite number"),
    ("a,b,c\nd,e,f\n" + rows(12), "line 2: 'd' is not a finite number"),
    (rows(5), "has 5 data rows; at least 10"),
    ("", "has 0 data rows"),
    (rows(12, lambda i: 1), "every label is the same"),
    (rows(12) + "\n1e9,0,1", "beyond"),
    (rows(limits.MAX_POINTS + 1), "more than 2,000 rows"),
    ("1,2,0\n" * 200_000, "the limit is 1,000,000 bytes"),
])
def test_bad_files_name_the_problem(text, message):
    with pytest.raises(ValueError, match=message):
        parse_csv(text, "mine.csv")


def test_a_file_name_is_shown_tamed():
    with pytest.raises(ValueError) as error:
        parse_csv("", "x.csv\n\x1b[31m" + "y" * 100)
    message = str(error.value)
    assert message.startswith("x.csv[31my") and "\x1b" not in message and "\n" not in message
    assert message.index(" has 0 data rows") == 60  # the name is cut at 60 characters
    with pytest.raises(ValueError, match="the CSV must be sent as text"):
        parse_csv(b"1,2,3")
