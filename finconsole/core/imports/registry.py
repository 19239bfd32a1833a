"""One registry of import kinds: what ``finconsole import KIND`` and the console's import
screen offer, and the function behind each.

Each function is ``import_file(actor, path, *, progress=None) -> ImportResult``. They are found
by name and imported on first use, so parsing a command line loads no importer.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from finconsole.core.imports.import_result import ImportResult, Progress
from finconsole.core.kernel.actor import Actor


@dataclass(frozen=True)
class ImportKind:
    name: str  # as typed on the command line
    label: str  # as the console shows it
    target: str  # "module:function" under finconsole.core.imports
    shop: bool = True  # a shop's export (the console's import screen); else carrier data


KINDS: dict[str, ImportKind] = {
    kind.name: kind
    for kind in (
        ImportKind(
            "shopify-customers", "Shopify customers", "shop_customers:import_shopify_customers"
        ),
        ImportKind("shopify-orders", "Shopify orders", "shop_orders:import_shopify_orders"),
        ImportKind(
            "woocommerce-customers",
            "WooCommerce customers",
            "shop_customers:import_woocommerce_customers",
        ),
        ImportKind(
            "woocommerce-orders", "WooCommerce orders", "shop_orders:import_woocommerce_orders"
        ),
        ImportKind(
            "woocommerce-json",
            "WooCommerce REST API JSON (orders or customers)",
            "woo_json:import_woocommerce_json",
        ),
        ImportKind("tracking", "Tracking events", "tracking_import:import_file", shop=False),
    )
}

Importer = Callable[..., ImportResult]


def importer(kind: str) -> Importer:
    """The function that imports ``kind`` (a key of ``KINDS``)."""
    module, _, name = KINDS[kind].target.partition(":")
    return getattr(importlib.import_module(f"finconsole.core.imports.{module}"), name)


def import_file(
    actor: Actor, kind: str, path: Path, *, progress: Progress | None = None
) -> ImportResult:
    """Import ``path`` as ``kind``: what the console and the command line call."""
    return importer(kind)(actor, Path(path), progress=progress)
