"""One column of a query's rows, as Tortoise's `values_list(name, flat=True)` gives it.

Tortoise annotates every `values_list` as rows of tuples, but with `flat=True` and one
field it returns the values themselves: these two say so, in one place.
"""

from __future__ import annotations

from typing import Any

from tortoise.queryset import QuerySet, QuerySetSingle


async def column(query: QuerySet[Any], name: str) -> list[Any]:
    """The field `name` of every row of `query`."""
    values: Any = await query.values_list(name, flat=True)
    return values


async def first_value(query: QuerySetSingle[Any], name: str) -> Any:
    """The field `name` of the one row of `query`, or None if there is none."""
    return await query.values_list(name, flat=True)
