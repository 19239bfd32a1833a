"""init, migrate, find: set up the register and search it as the console does."""

from __future__ import annotations

import argparse

from finconsole.cli.context import Context
from finconsole.cli.output import print_rows
from finconsole.core import bootstrap
from finconsole.core.access import keyring
from finconsole.core.kernel.errors import ConfigError
from finconsole.core.register import find
from finconsole.core.settings import config as config_mod
from finconsole.core.settings import keys
from finconsole.core.store import db, migrations


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="write config.toml and create the database")
    p.add_argument("--db", metavar="URL", help="database URL (default sqlite:///finconsole.db)")
    p.add_argument("--force", action="store_true", help="overwrite an existing config.toml")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("migrate", help="bring the database schema up to date")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("find", help="search the register as the console does")
    p.add_argument("query")
    p.add_argument("--limit", type=_positive_int, default=20, metavar="N")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(func=cmd_find)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    path = config_mod.find_path(ctx.config_path)
    if path.exists() and not args.force:
        raise ConfigError(f"{path} exists: use --force to overwrite it")
    data = config_mod.defaults()
    if args.db:
        data["database"]["url"] = args.db
    config = config_mod.Config(bootstrap.validate_config(data, str(path)), path.resolve())
    # Create the database first: a bad URL must not leave a config behind that points at it.
    db.connect(config.database_url, migrate=True)
    try:
        key_path = config.resolve(config["security"]["key_file"])
        created_key = keys.create_key_file(key_path)
        # the database remembers its key: another key file is refused (keyring.ensure_key)
        keyring.record_fingerprint(keys.load_key(key_path))
    finally:
        db.close()
    config_mod.write(path, data, force=args.force)
    print(f"wrote {path}")
    print(f"database ready: {_describe(config.database_url)}")
    if created_key:
        print(f"created key file {key_path} (mode 0600): back it up apart from the database")
    return 0


def _describe(url: str) -> str:
    path = db.sqlite_path(url)
    return str(path) if path else url.split("@")[-1]


def cmd_migrate(args: argparse.Namespace, ctx: Context) -> int:
    before_db = db.make_database(ctx.config.database_url)
    before_db.connect()
    before = migrations.schema_version(before_db)
    before_db.close()
    ctx.connect(migrate=True)
    after = migrations.CURRENT_VERSION
    if before == after:
        print(f"schema is up to date (version {after})")
    else:
        print(f"schema upgraded from version {before} to {after}")
    return 0


def cmd_find(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    rows = find.search(ctx.actor, args.query, limit=args.limit)
    print_rows(
        rows,
        [
            ("id", "ID"),
            ("first_name", "First name"),
            ("last_name", "Last name"),
            ("email", "Email"),
            ("phone", "Phone"),
            ("city", "City"),
        ],
        as_json=args.json,
        empty="no customers found",
    )
    return 0
