"""The officer's to-do list: tell a customer of an authority inquiry, publish a general
inquiry, inform the recipients of disclosed data of a rectification or erasure (Art 19).

Open tasks are shown at the top of the officer's requests queue, oldest due date first, until
marked done.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from finconsole.core.access import audit
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import Conflict, NotFound
from finconsole.core.store.db import write_transaction
from finconsole.core.store.models import Task

TELL_CUSTOMER = "tell_customer_inquiry"
PUBLISH_INQUIRY = "publish_inquiry"
INFORM_RECIPIENTS = "inform_recipients"

TITLES = {
    TELL_CUSTOMER: "Tell customer: inquiry",
    PUBLISH_INQUIRY: "Publish inquiry",
    INFORM_RECIPIENTS: "Inform recipients",
}


def create(
    kind: str,
    description: str,
    *,
    due: dt.date | None = None,
    customer_id: int | None = None,
    inquiry_id: int | None = None,
    disclosure_id: int | None = None,
) -> Task:
    """Internal: services call this inside their own transaction (no permission: the
    triggering service already checked its own)."""
    return Task.create(
        kind=kind,
        description=description,
        due=due or clock.today(),
        customer=customer_id,
        inquiry=inquiry_id,
        disclosure=disclosure_id,
    )


def task_dict(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "kind": task.kind,
        "title": TITLES.get(task.kind, task.kind),
        "description": task.description,
        "customer_id": task.customer_id,
        "inquiry_id": task.inquiry_id,
        "disclosure_id": task.disclosure_id,
        "due": task.due,
        "overdue": task.done_at is None and task.due < clock.today(),
        "done_at": task.done_at,
        "done_by": task.done_by,
        "created_at": task.created_at,
    }


def open_tasks(actor: Actor, *, limit: int = 200) -> list[dict[str, Any]]:
    """Tasks not yet done, the most urgent (earliest due) first."""
    permissions.require(actor, "view_tasks")
    query = Task.select().where(Task.done_at.is_null()).order_by(Task.due, Task.id).limit(limit)
    return [task_dict(t) for t in query]


def recent_done(actor: Actor, *, limit: int = 50) -> list[dict[str, Any]]:
    permissions.require(actor, "view_tasks")
    query = Task.select().where(Task.done_at.is_null(False))
    return [task_dict(t) for t in query.order_by(Task.done_at.desc(), Task.id.desc()).limit(limit)]


def mark_done(actor: Actor, task_id: int) -> dict[str, Any]:
    """Mark a task done (who and when are kept); a task already done is a ``Conflict``."""
    permissions.require(actor, "complete_task")
    with write_transaction():
        task = Task.get_or_none(Task.id == task_id)
        if task is None:
            raise NotFound(f"no task with id {task_id}")
        if task.done_at is not None:
            raise Conflict(f"task {task_id} is already done")
        task.done_at = clock.now()
        task.done_by = actor.username
        task.save()
        audit.record(
            actor,
            "complete_task",
            "task",
            task.id,
            customer_id=task.customer_id,
            fields=["done_at"],
        )
    return task_dict(task)
