"""The rule "no objection to the purpose and not restricted" lives in audience.eligible only:
another query filtering on an objection date AND the restricted flag is a second copy of it,
which would drift. (Setting an objection where none is set, as an import does, is no copy.)"""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "finconsole"
FILTER = re.compile(
    r"objection_(marketing|statistics|profiling|\{[^}]*\})_at\b[\"')\]]*\s*"
    r"(\.is_null|IS\s+(NOT\s+)?NULL|==\s*None|!=\s*None)",
    re.IGNORECASE,
)
WINDOW = 300


def copies_of_rule(text: str) -> list[int]:
    return [
        m.start()
        for m in FILTER.finditer(text)
        if "restricted" in text[max(0, m.start() - WINDOW) : m.end() + WINDOW]
    ]


def test_objection_rule_only_in_audience():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "audience.py" and copies_of_rule(path.read_text())
    ]
    assert offenders == [], "use finconsole.core.register.audience.eligible(purpose)"


def test_the_pattern_catches_a_copy():
    assert copies_of_rule(
        "Customer.select().where(Customer.objection_marketing_at.is_null(), "
        "Customer.restricted == False)"
    )
    assert copies_of_rule("WHERE objection_statistics_at IS NULL AND NOT restricted")
    assert copies_of_rule(
        'getattr(Customer, f"objection_{purpose}_at").is_null() & ~Customer.restricted'
    )
    assert not copies_of_rule("Customer.objection_marketing_at.is_null() & Customer.id.in_(x)")
    assert not copies_of_rule("objection_marketing_at=None, restricted=True")
    assert copies_of_rule((PACKAGE / "core/register/audience.py").read_text())
