"""``finconsole import tracking FILE``: carrier tracking events from CSV or JSON Lines.

Each row: tracking code, time with a zone, the carrier's event code or a status word, and
optionally carrier, location and description. Rows go in batches: the parcels of a batch are
looked up in one query per few hundred codes, the events written with one ``executemany``
(duplicates ignored by the unique index on parcel, time and code, so a second import of the
same file adds nothing), and the touched parcels' status recomputed from their events in the
same transaction. An interrupted import leaves whole batches only and can simply be re-run.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from finconsole.core import permissions
from finconsole.core.actor import Actor
from finconsole.core.db import is_sqlite, write_transaction
from finconsole.core.errors import ValidationError
from finconsole.core.models import Parcel, TrackingEvent, database
from finconsole.core.services import audit, carrier_events, carriers
from finconsole.core.services.import_result import ImportResult, Progress, Reject

BATCH = 20_000
LOOKUP_CHUNK = 500
COLUMNS = {
    "tracking_code": ("tracking_code", "tracking_number", "tracking", "shipment"),
    "carrier": ("carrier",),
    "occurred_at": ("occurred_at", "time", "timestamp", "event_time"),
    "code": ("event_code", "code"),
    "status": ("status",),
    "location": ("location",),
    "description": ("description",),
}
MAX_LENGTH = {"location": 200, "description": 500}
INSERT_COLUMNS = ("parcel_id", "occurred_at", "code", "status", "location", "description")


def import_file(actor: Actor, path: Path, *, progress: Progress | None = None) -> ImportResult:
    permissions.require(actor, "import_tracking")
    path = Path(path)
    total = path.stat().st_size
    result = ImportResult()
    importer = _Importer(result)
    batch: list[tuple[int, dict[str, str]]] = []
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
    with write_transaction():
        audit.record(actor, "import_tracking", "tracking_event", None)
    return result


# --- reading ---------------------------------------------------------------------------------


def _read(path: Path) -> Iterator[tuple[int, dict[str, str], int]]:
    """(line number, row with our column names, bytes read so far) for CSV or JSON Lines."""
    with path.open("rb") as fh:
        head = fh.read(4096).lstrip(b"\xef\xbb\xbf").lstrip()
        fh.seek(0)
        if path.suffix.lower() in (".jsonl", ".ndjson", ".json") or head.startswith(b"{"):
            yield from _read_jsonl(fh)
        else:
            yield from _read_csv(fh)


class _Lines:
    """Decoded lines of a binary file, counting bytes (for progress)."""

    def __init__(self, fh) -> None:
        self.fh = fh
        self.done = 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.fh:
            self.done += len(raw)
            yield raw.decode("utf-8-sig" if self.done == len(raw) else "utf-8", errors="replace")


def _read_csv(fh) -> Iterator[tuple[int, dict[str, str], int]]:
    lines = _Lines(fh)
    reader = csv.reader(lines)
    header = next(reader, None)
    if not header:
        raise ValidationError({"file": "is empty"})
    index = _column_index([h.strip().lower() for h in header])
    width = len(header)
    for cells in reader:
        if not cells or not any(cells):
            continue
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        yield reader.line_num, {name: cells[i] for name, i in index.items()}, lines.done


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


def _read_jsonl(fh) -> Iterator[tuple[int, dict[str, str], int]]:
    lines = _Lines(fh)
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except ValueError:
            obj = None
        if not isinstance(obj, dict):
            yield number, {"_error": "is not a JSON object"}, lines.done
            continue
        low = {str(k).strip().lower(): v for k, v in obj.items()}
        row = {}
        for name, aliases in COLUMNS.items():
            value = next((low[a] for a in aliases if a in low), None)
            row[name] = "" if value is None else str(value)
        yield number, row, lines.done


# --- checking and writing ------------------------------------------------------------------


def _parse_time(value: str) -> dt.datetime | None:
    try:
        at = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if at.tzinfo is None:
        return None
    return at.astimezone(dt.UTC).replace(tzinfo=None)


def _clean_text(value: str, limit: int) -> str:
    return value.replace("\x00", "").strip()[:limit]


class _Importer:
    def __init__(self, result: ImportResult) -> None:
        self.result = result
        self.parcels: dict[str, list[tuple[int, str]]] = {}  # code -> [(id, carrier)]
        self.sqlite = is_sqlite()
        self.pickup_days = {
            name: carriers.settings(name)["pickup_days"] for name in carriers.CARRIERS
        }

    def run(self, batch: list[tuple[int, dict[str, str]]]) -> None:
        self._lookup({carriers.normalise(row.get("tracking_code")) for _, row in batch})
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

    def _reject(self, line: int, reason: str, row: dict[str, str]) -> None:
        raw = {k: v for k, v in row.items() if not k.startswith("_")}
        self.result.rejects.append(Reject(line=line, reason=reason, raw=raw))

    def _event(self, line: int, row: dict[str, str]) -> tuple | None:
        if "_error" in row:
            self._reject(line, row["_error"], row)
            return None
        code = carriers.normalise(row.get("tracking_code"))
        parcel = self._parcel(line, row, code)
        if parcel is None:
            return None
        parcel_id, carrier = parcel
        at = _parse_time(row.get("occurred_at", ""))
        if at is None:
            self._reject(line, "time must be ISO 8601 with a zone (Z or +02:00)", row)
            return None
        event_code = (row.get("code") or "").strip()
        status = carrier_events.status_for(carrier, event_code or row.get("status") or "")
        if status is None:
            given = event_code or row.get("status") or ""
            self._reject(line, f"unknown event code '{given[:32]}' for {carrier}", row)
            return None
        stored_at = str(at) if self.sqlite else at
        return (
            parcel_id,
            stored_at,
            (event_code or status)[:32],
            status,
            _clean_text(row.get("location") or "", MAX_LENGTH["location"]),
            _clean_text(row.get("description") or "", MAX_LENGTH["description"]),
        )

    def _parcel(self, line: int, row: dict[str, str], code: str) -> tuple[int, str] | None:
        candidates = self.parcels.get(code, [])
        wanted = (row.get("carrier") or "").strip().lower()
        if wanted:
            candidates = [c for c in candidates if c[1] == wanted]
        if not candidates:
            reason = "tracking code missing" if not code else "unknown tracking code"
            self._reject(line, reason, row)
            return None
        if len(candidates) > 1:
            self._reject(line, "tracking code belongs to several parcels: give the carrier", row)
            return None
        return candidates[0]

    def _lookup(self, codes: set[str]) -> None:
        """Find the parcels of codes not seen yet, a few hundred codes a query."""
        todo = sorted(c for c in codes if c and c not in self.parcels)
        for start in range(0, len(todo), LOOKUP_CHUNK):
            chunk = todo[start : start + LOOKUP_CHUNK]
            for code in chunk:
                self.parcels[code] = []
            query = Parcel.select(Parcel.id, Parcel.carrier, Parcel.tracking_code).where(
                Parcel.tracking_code.in_(chunk)
            )
            for parcel_id, carrier, code in query.tuples():
                self.parcels[code].append((parcel_id, carrier))

    def _insert(self, events: list[tuple]) -> int:
        """Insert, ignoring duplicates; returns how many rows were new."""
        if self.sqlite:
            sql = (
                f"INSERT INTO tracking_event ({', '.join(INSERT_COLUMNS)}) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
            )
            cursor = database.cursor()
            cursor.executemany(sql, events)
            return cursor.rowcount
        fields = [
            getattr(TrackingEvent, c if c != "parcel_id" else "parcel") for c in INSERT_COLUMNS
        ]
        created = 0
        for start in range(0, len(events), 1000):
            chunk = events[start : start + 1000]
            query = TrackingEvent.insert_many(chunk, fields=fields).on_conflict_ignore()
            created += query.as_rowcount().execute()
        return created


# --- parcel status from its events ------------------------------------------------------------


def _as_time(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


def refresh_parcels(parcel_ids: set[int], pickup_days: dict[str, int]) -> None:
    """Recompute status, last event, handover, delivery and pickup deadline from the events.

    The same rule as ``parcels.derive``, done in SQL aggregates over the unique index.
    """
    p = database.param
    handed = ", ".join(f"'{s}'" for s in carriers.HANDED_OVER)
    ids = sorted(parcel_ids)
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start : start + LOOKUP_CHUNK]
        sub = "SELECT {} FROM tracking_event e WHERE e.parcel_id = p.id"
        sql = (
            f"SELECT p.id, p.carrier, p.shipped_at, ({sub.format('max(e.occurred_at)')}), "
            f"({sub.format('e.status')} ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1), "
            f"({sub.format('min(e.occurred_at)')} AND e.status IN ({handed})), "
            f"({sub.format('min(e.occurred_at)')} AND e.status = 'delivered'), "
            f"({sub.format('max(e.occurred_at)')} AND e.status = 'available_for_pickup') "
            f"FROM parcel p WHERE p.id IN ({', '.join([p] * len(chunk))})"
        )
        updates = []
        for pid, carrier, known, last, status, shipped, delivered, pickup in database.execute_sql(
            sql, chunk
        ).fetchall():
            # the earliest handover wins, be it the shop's own date or the carrier's first event
            handovers = [t for t in (_as_time(known), _as_time(shipped)) if t is not None]
            deadline = None
            if status == "available_for_pickup" and pickup is not None:
                deadline = _as_time(pickup) + dt.timedelta(days=pickup_days.get(carrier, 7))
            updates.append(
                [status, last, min(handovers, default=None), _as_time(delivered), deadline, pid]
            )
        if is_sqlite():
            for row in updates:
                row[1:5] = [None if v is None else str(v) for v in row[1:5]]
        database.cursor().executemany(
            f"UPDATE parcel SET status = {p}, last_event_at = {p}, "
            f"shipped_at = {p}, delivered_at = {p}, "
            f"pickup_deadline = {p} WHERE id = {p}",
            updates,
        )
