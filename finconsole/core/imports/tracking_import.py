"""``finconsole import tracking FILE``: carrier tracking events from CSV or JSON Lines.

Each row: tracking code, time, the carrier's event code or a status word, and optionally
carrier, location and description. A time with no zone (Pakettikauppa's ``event_timestamp``)
is the shop's local time (``[shop] time_zone``). Pakettikauppa/Posti status events read as
documented: ``status_code``, ``event_timestamp``, ``postcode`` and ``post_office``.
Rows go in batches: the parcels of a batch are looked up in one query per few hundred
codes, the events written with one ``executemany`` on SQLite, one ``COPY`` and ``INSERT``
on PostgreSQL (duplicates ignored by the unique index on parcel, time and code, so a second
import of the same file adds nothing), and the touched parcels' status recomputed from their
events in the same transaction. An interrupted import
leaves whole batches only and can simply be re-run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import operator
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from finconsole.core.access import audit
from finconsole.core.imports.import_result import (
    ImportResult,
    Progress,
    Reject,
    stopping_after_writes,
)
from finconsole.core.imports.reading import dates, encoding
from finconsole.core.imports.reading.limits import (
    ImportFormatError,
    load_json,
    load_json_document,
    open_regular,
    plausible_instant,
)
from finconsole.core.kernel import permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import ValidationError
from finconsole.core.kernel.validation import FieldError
from finconsole.core.parcels import carrier_events, carriers
from finconsole.core.store import bulk
from finconsole.core.store.db import is_sqlite, large_cache, write_transaction
from finconsole.core.store.models import database

BATCH = 20_000
LOOKUP_CHUNK = 500  # parcels a status refresh query
CODE_CHUNK = 2000  # tracking codes a lookup query
COLUMNS = {
    "tracking_code": ("tracking_code", "tracking_number", "tracking", "shipment"),
    "carrier": ("carrier",),
    "occurred_at": ("occurred_at", "time", "timestamp", "event_time", "event_timestamp"),
    "code": ("event_code", "code", "status_code"),
    "status": ("status",),
    "location": ("location", "post_office"),
    "description": ("description",),
}
MAX_LENGTH = {"location": 200, "description": 500}
TIME_REJECT = "time is not a date and time (ISO 8601, e.g. 2026-03-12T09:00:00+02:00)"
FIELDS = tuple(COLUMNS)  # a row is a tuple of these, "" when the file lacks the column
INSERT_COLUMNS = ("parcel_id", "occurred_at", "code", "status", "location", "description")


def import_file(actor: Actor, path: Path, *, progress: Progress | None = None) -> ImportResult:
    permissions.require(actor, "import_tracking")
    path = Path(path)
    total = path.stat().st_size
    result = ImportResult()
    with large_cache(), stopping_after_writes(result, lambda: _audit(actor)):
        _import_rows(path, result, progress, total)
    _audit(actor)
    return result


def _audit(actor: Actor) -> None:
    with write_transaction():
        audit.record(actor, "import_tracking", "tracking_event", None)


def _import_rows(path: Path, result: ImportResult, progress: Progress | None, total: int) -> None:
    importer = _Importer(result)
    batch: list[tuple[int, tuple[str, ...]]] = []
    rows_done = 0
    for line, row, done in _read(path):
        batch.append((line, row))
        if len(batch) >= BATCH:
            importer.run(batch)
            rows_done += len(batch)
            batch = []
            if progress:
                progress(rows_done, done, total)
    if batch:
        importer.run(batch)
        rows_done += len(batch)
    if progress:
        progress(rows_done, total, total)


# --- reading ---------------------------------------------------------------------------------


Row = tuple[str, ...]  # FIELDS, with the tracking code already normalised


def _normalised(values: list[str]) -> Row:
    values[0] = "".join(values[0].split()).upper()
    return tuple(values)


def _read(path: Path) -> Iterator[tuple[int, Row, int]]:
    """(line number, row, bytes read so far) for CSV or JSON Lines.

    A line that is no JSON object comes as a row of one element: the reason.
    """
    with open_regular(path) as fh:
        if fh.read(4096).lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"["):
            fh.seek(0)
            yield from _read_json_array(fh)
            return
        fh.seek(0)
        text = io.TextIOWrapper(fh, encoding=encoding.detect(fh), newline="")
        head = text.read(4096).lstrip("\ufeff").lstrip()
        text.seek(0)
        if path.suffix.lower() in (".jsonl", ".ndjson", ".json") or head.startswith("{"):
            yield from _read_jsonl(text, fh)
        else:
            yield from _read_csv(text, fh, _delimiter(head))


def _delimiter(head: str) -> str:
    """Comma, or the semicolon / tab a spreadsheet wrote, judged by the header line."""
    first = head.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _read_csv(text, fh, delimiter: str = ",") -> Iterator[tuple[int, Row, int]]:
    """Rows of the decoded ``text``; ``fh`` (its binary file) says how far it has read."""
    reader = csv.reader(text, delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise ValidationError({"file": "is empty"})
    index = _column_index([h.strip().lower() for h in header])
    width = len(header)
    # a missing column reads the "" appended after the row's cells
    pick = operator.itemgetter(*(index.get(name, width) for name in FIELDS))
    try:
        for cells in reader:
            if not cells or not any(cells):
                continue
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            cells.append("")
            yield reader.line_num, _normalised(list(pick(cells))), fh.tell()
    except csv.Error as exc:
        raise ImportFormatError(
            f"the file is not valid CSV near line {reader.line_num + 1}: {exc}"
        ) from None


def _column_index(header: list[str]) -> dict[str, int]:
    index = {}
    for name, aliases in COLUMNS.items():
        found = next((header.index(a) for a in aliases if a in header), None)
        if found is not None:
            index[name] = found
    missing = [n for n in ("tracking_code", "occurred_at") if n not in index]
    if missing or ("code" not in index and "status" not in index):
        need = missing or ["event_code or status"]
        raise ValidationError({"file": "has no column " + ", ".join(need)})
    return index


# A carrier's API response saved whole (Pakettikauppa's "Get Shipment status" is a JSON
# array): read at once, so it must be of an API response's size.
MAX_ARRAY_BYTES = 64 << 20


def _read_json_array(fh) -> Iterator[tuple[int, Row, int]]:
    """A JSON array of events; a row's "line" is the event's place in the array. The
    whole file is refused (nothing imported) when it is no JSON array."""
    text = encoding.read_document(fh, MAX_ARRAY_BYTES, "use JSON Lines")
    events = load_json_document(text, "the JSON array")
    if not isinstance(events, list):
        raise ValidationError({"file": "is not a JSON array of events"})
    for number, obj in enumerate(events, start=1):
        yield _json_row(number, obj, fh.tell())


def _read_jsonl(text, fh) -> Iterator[tuple[int, Row, int]]:
    for number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        try:
            obj = load_json(line)
        except ValueError as exc:  # a nesting too deep rejects its line, like any bad JSON
            reason = str(exc) if "nested" in str(exc) else "is not a JSON object"
            yield number, (reason,), fh.tell()
            continue
        yield _json_row(number, obj, fh.tell())


def _json_row(number: int, obj: Any, done: int) -> tuple[int, Row, int]:
    """One event object as a row (a row of one element, the reason, if it is none)."""
    if not isinstance(obj, dict):
        return number, ("is not a JSON object",), done
    low = {str(k).strip().lower(): v for k, v in obj.items()}
    if "location" not in low and low.get("post_office"):
        # Pakettikauppa: "postcode": "87700", "post_office": "KAJAANI" -> 87700 KAJAANI
        low["location"] = f"{low.get('postcode') or ''} {low['post_office']}".strip()
    values = []
    for aliases in COLUMNS.values():
        value = next((low[a] for a in aliases if a in low), None)
        values.append("" if value is None else str(value))
    return number, _normalised(values), done


# --- checking and writing ------------------------------------------------------------------


def _parse_time(value: str) -> dt.datetime | None:
    """Naive UTC, or None when the value is no possible time. ISO with a zone is the fast
    path (a million events); anything else, and a time with no zone, goes through
    ``dates.instant`` (the shop's time zone)."""
    raw = value.strip()
    try:
        at = dt.datetime.fromisoformat(raw)
    except ValueError:
        at = None
    try:
        if at is not None and at.tzinfo is not None:
            if not dates.MIN_YEAR <= at.year <= dates.MAX_YEAR:
                return None  # year 0001 would overflow when shifted to UTC
            return plausible_instant(at.astimezone(dt.UTC).replace(tzinfo=None))
        instant = dates.instant(raw)
        return None if instant is None else plausible_instant(instant)
    except (FieldError, OverflowError, ValueError):  # 0001, or shifted out of the years
        return None


_CODE_SHAPE = re.compile(r"[0-9A-Za-z_\-]{1,16}")


def _unknown_code(given: str, carrier: str) -> str:
    """Name the code only when it looks like one: a misplaced column could hold a name."""
    if _CODE_SHAPE.fullmatch(given):
        return f"unknown event code '{given}' for {carrier}"
    return f"no event code or status {carrier} knows"


def _clean_text(value: str, limit: int) -> str:
    if "\x00" in value:
        value = value.replace("\x00", "")  # PostgreSQL refuses NUL in text
    return value.strip()[:limit]


class _Importer:
    def __init__(self, result: ImportResult) -> None:
        self.result = result
        self.parcels: dict[str, list[tuple[int, str]]] = {}  # code -> [(id, carrier)]
        self.sqlite = is_sqlite()
        self.statuses: dict[tuple[str, str], str | None] = {}  # (carrier, code) -> status
        self.pickup_days = {
            name: carriers.settings(name)["pickup_days"] for name in carriers.CARRIERS
        }

    def run(self, batch: list[tuple[int, Row]]) -> None:
        self._lookup({row[0] for _, row in batch if len(row) > 1})
        events = []
        for line, row in batch:
            event = self._event(line, row)
            if event is not None:
                events.append(event)
        if not events:
            return
        with write_transaction():
            created = self._insert(events)
            refresh_parcels({e[0] for e in events}, self.pickup_days)
        self.result.created += created
        self.result.unchanged += len(events) - created

    def _reject(self, line: int, reason: str, row: Row) -> None:
        raw = dict(zip(FIELDS, row)) if len(row) > 1 else {}
        self.result.rejects.append(Reject(line=line, reason=reason, raw=raw))

    def _event(self, line: int, row: Row) -> tuple | None:
        if len(row) == 1:
            self._reject(line, row[0], row)
            return None
        code, wanted, occurred, event_code, status_word, location, description = row
        parcel = self._parcel(line, row, code, wanted)
        if parcel is None:
            return None
        parcel_id, carrier = parcel
        at = _parse_time(occurred)
        if at is None:
            self._reject(line, TIME_REJECT, row)
            return None
        given = event_code.strip() or status_word.strip()
        key = (carrier, given)
        status = self.statuses.get(key)
        if status is None:
            status = self.statuses[key] = carrier_events.status_for(carrier, given)
            if status is None:
                self._reject(line, _unknown_code(given, carrier), row)
                return None
        return (
            parcel_id,
            str(at) if self.sqlite else at,
            (event_code.strip() or status)[:32],
            status,
            _clean_text(location, MAX_LENGTH["location"]),
            _clean_text(description, MAX_LENGTH["description"]),
        )

    def _parcel(self, line: int, row: Row, code: str, wanted: str) -> tuple[int, str] | None:
        candidates = self.parcels.get(code, ())
        if wanted:
            wanted = wanted.strip().lower()
            candidates = [c for c in candidates if c[1] == wanted]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            reason = "tracking code missing" if not code else "unknown tracking code"
            self._reject(line, reason, row)
        else:
            self._reject(line, "tracking code belongs to several parcels: give the carrier", row)
        return None

    def _lookup(self, codes: set[str]) -> None:
        """Find the parcels of codes not seen yet, in sorted chunks (index locality)."""
        todo = sorted(c for c in codes if c and c not in self.parcels)
        for start in range(0, len(todo), CODE_CHUNK):
            chunk = todo[start : start + CODE_CHUNK]
            for code in chunk:
                self.parcels[code] = []
            where, params = one_of("tracking_code", chunk)
            cursor = database.execute_sql(
                f"SELECT tracking_code, id, carrier FROM parcel WHERE {where}", params
            )
            for code, parcel_id, carrier in cursor:
                self.parcels[code].append((parcel_id, carrier))

    def _insert(self, events: list[tuple]) -> int:
        """Insert, ignoring duplicates; returns how many rows were new."""
        return bulk.insert_new("tracking_event", INSERT_COLUMNS, events)


# --- parcel status from its events ------------------------------------------------------------


def _as_time(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


STATE_COLUMNS = ("status", "last_event_at", "shipped_at", "delivered_at", "pickup_deadline")


def refresh_parcels(parcel_ids: set[int], pickup_days: dict[str, int]) -> None:
    """Recompute status, last event, handover, delivery and pickup deadline from the events
    with ``parcels.fold``, the one rule for a parcel's state."""
    from finconsole.core.parcels.parcels import fold as state_of

    ids = sorted(parcel_ids)
    sqlite = is_sqlite()
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start : start + LOOKUP_CHUNK]
        where, params = one_of("id", chunk)
        parcels = database.execute_sql(
            "SELECT id, carrier, shipped_at, status, last_event_at, delivered_at, pickup_deadline "
            f"FROM parcel WHERE {where}",
            params,
        ).fetchall()
        where, params = one_of("parcel_id", chunk)
        rows = database.execute_sql(
            "SELECT parcel_id, occurred_at, status FROM tracking_event "
            f"WHERE {where} ORDER BY parcel_id, occurred_at, id",
            params,
        ).fetchall()
        by_parcel: dict[int, list] = {}
        for pid, occurred_at, status in rows:
            by_parcel.setdefault(pid, []).append((occurred_at, status))
        # Only the columns that changed are written, grouped by which ones: SQLite rewrites
        # an index whenever its column is SET, even to the same value.
        groups: dict[tuple[str, ...], list[list]] = {}
        for pid, carrier, *current in parcels:
            row = _update_row(
                pid, state_of(by_parcel.get(pid, ())), current[0], pickup_days.get(carrier, 7)
            )
            if sqlite:
                row = [None if v is None else str(v) for v in row[:5]] + [pid]
                current = [None if v is None else str(v) for v in current]
            before = dict(zip(STATE_COLUMNS, [current[1], current[2], current[0], *current[3:]]))
            changed = tuple(c for c, v in zip(STATE_COLUMNS, row) if before[c] != v)
            if changed:
                groups.setdefault(changed, []).append(
                    [v for c, v in zip(STATE_COLUMNS, row) if c in changed] + [pid]
                )
        for columns, updates in groups.items():
            bulk.bulk_update("parcel", "id", columns, updates)


def one_of(column: str, values: list[Any]) -> tuple[str, list[Any]]:
    """``column IN (?, ?, ...)`` on SQLite; ``column = ANY(%s)`` with one array parameter on
    PostgreSQL, which plans an IN-list of hundreds of constants slower than it runs it."""
    if is_sqlite():
        return f"{column} IN ({', '.join(['?'] * len(values))})", values
    return f"{column} = ANY(%s)", [values]


def _update_row(pid: int, state: tuple, shipped_before: Any, pickup_days: int) -> list:
    status, last, handed, delivered, pickup = state
    # the earliest handover wins, be it the shop's own date or the carrier's first event
    handovers = [h for t in (shipped_before, handed) if (h := _as_time(t)) is not None]
    deadline = None
    if status == "available_for_pickup" and (picked := _as_time(pickup)) is not None:
        deadline = picked + dt.timedelta(days=pickup_days)
    return [status, last, min(handovers, default=None), delivered, deadline, pid]
