"""The documents the shop publishes or keeps: the privacy notice (``notice``) and the
Art 30 record of processing (``processing_record``), generated and saved."""

from __future__ import annotations

import os
from pathlib import Path

from finconsole.core.kernel import permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import FinconsoleError, ValidationError
from finconsole.core.settings import runtime
from finconsole.core.settings.config import Config
from finconsole.core.transparency import notice, processing_record

LANGS = notice.LANGS
FORMATS = ("text", "markdown")


def generate(
    actor: Actor,
    *,
    lang: str = "fi",
    fmt: str = "text",
    record: bool = False,
    config: Config | None = None,
) -> str:
    """The privacy notice (or with ``record`` the Art 30 record of processing)."""
    permissions.require(actor, "generate_notice")
    errors = {}
    if lang not in notice.LANGS:
        errors["lang"] = "must be one of " + ", ".join(notice.LANGS)
    elif record and lang not in notice.RECORD_LANGS:
        errors["lang"] = "the record of processing is in " + " or ".join(notice.RECORD_LANGS)
    if fmt not in FORMATS:
        errors["format"] = "must be one of " + ", ".join(FORMATS)
    if errors:
        raise ValidationError(errors)
    config = config or runtime.get_config()
    if record:
        return notice.render(processing_record.record_blocks(config, lang), fmt)
    return notice.render(notice.description_blocks(config, lang), fmt)


def save(text: str, path: str | os.PathLike) -> Path:
    """Write ``text`` to ``path`` (replacing it whole, never half-written)."""
    target = Path(path).expanduser()
    if not str(path).strip():
        raise ValidationError({"path": "is required"})
    if target.is_dir():
        raise FinconsoleError(f"{target} is a folder: give a file name")
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FinconsoleError(f"cannot write {target}: {exc.strerror}") from None
    return target
