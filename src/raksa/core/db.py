"""Small database helpers the services share."""

from __future__ import annotations

from django.db import connections, models, router
from django.db.models.constants import OnConflict


def insert_unless_taken(obj: models.Model) -> bool:
    """Insert `obj` unless a row already holds one of its unique values; True when it was inserted (its pk set).

    One statement, `INSERT ... ON CONFLICT DO NOTHING RETURNING id` (`INSERT OR IGNORE` on SQLite), and no
    savepoint: a get_or_create costs a look-up, a savepoint, the insert and its release, and a conflict inside a
    transaction is harmless here because the database skips the row instead of failing the statement. On
    PostgreSQL an insert racing another transaction's uncommitted row waits for it, so after False the caller's
    next read sees that row. SQLite's OR IGNORE also skips a row that breaks a NOT NULL or CHECK constraint: a
    caller that finds no row after False must fall back to a plain insert, which raises the real error. No
    pre_save/post_save signal is sent (nothing in Raksa listens on the models that use this).
    """
    model = type(obj)
    meta = model._meta
    using = router.db_for_write(model, instance=obj)
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    returning = meta.db_returning_fields
    rows = model._base_manager._insert(  # type: ignore[attr-defined]
        [obj], fields=fields, returning_fields=returning, using=using, on_conflict=OnConflict.IGNORE
    )
    row = rows[0] if rows else None
    if not row:
        return False
    if not connections[using].features.can_return_columns_from_insert:  # pragma: no cover - both backends can
        raise NotImplementedError("insert_unless_taken needs INSERT ... RETURNING")
    for value, field in zip(row, returning, strict=True):
        setattr(obj, field.attname, value)
    obj._state.adding = False
    obj._state.db = using
    return True
