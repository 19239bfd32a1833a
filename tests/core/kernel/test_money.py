import pytest

from finconsole.core.kernel.money import format_money


@pytest.mark.parametrize(
    ("cents", "currency", "shown"),
    [
        (2780, "EUR", "27,80 €"),
        (29, "EUR", "0,29 €"),
        (0, "EUR", "0,00 €"),
        (-550, "EUR", "-5,50 €"),
        (123456789, "EUR", "1\u00a0234\u00a0567,89 €"),
        (2780, "sek", "27,80 SEK"),
        (2780, "", "27,80 €"),
        (None, "EUR", ""),
    ],
)
def test_format_money(cents, currency, shown):
    assert format_money(cents, currency) == shown


def test_every_cent_amount_prints_exactly():
    # a float division would print some amounts a cent off; integers never do
    for cents in range(0, 100_000, 7):
        euros, rest = format_money(cents).removesuffix(" €").replace("\u00a0", "").split(",")
        assert int(euros) * 100 + int(rest) == cents
