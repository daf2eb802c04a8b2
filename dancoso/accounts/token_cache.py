"""API tokens resolved without a query: who a `Token` key belongs to, kept in a `VersionedCache`.

The fast intake lane (petitions.fast_intake) authenticates every POST by its token. The answer (the user's id and
whether the user is active or a superuser) is cached under a version token that changes, once the transaction
commits, whenever a token is issued or revoked or a user is saved (a save that writes only `last_login`, as every
login does, is ignored). `AccountsConfig.ready()` connects it. A write that sends no signals (queryset.update on
users, raw SQL) must call `forget_token_callers()` after it commits.
"""

import hashlib
from dataclasses import dataclass

from dancoso.core.versioned_cache import VersionedCache

token_callers_cache = VersionedCache("dancoso:accounts:token-callers")


@dataclass(frozen=True)
class TokenCaller:
    user_id: int
    is_active: bool
    is_superuser: bool


def connect_cache() -> None:
    from rest_framework.authtoken.models import Token

    from dancoso.accounts.models import User

    token_callers_cache.watch(Token)
    token_callers_cache.watch(User, unless_only=frozenset({"last_login"}))


def forget_token_callers() -> None:
    token_callers_cache.bump()


def _digest(key: str) -> str:
    # The cache holds digests, not the keys themselves: reading the cache does not give anyone a token.
    return hashlib.sha256(key.encode()).hexdigest()


def _load_all() -> dict[str, TokenCaller]:
    """Every token's holder. Tokens belong to integration accounts, a few per province, so one entry holds them
    all and an unknown key costs no query and no cache entry."""
    from rest_framework.authtoken.models import Token

    rows = Token.objects.values_list("key", "user_id", "user__is_active", "user__is_superuser")
    return {_digest(key): TokenCaller(*values) for key, *values in rows}


def token_caller(key: str) -> TokenCaller | None:
    """The holder of API token `key`, or None for a key nobody holds (active or not: the caller checks)."""
    if not key or len(key) > 40:
        return None
    return token_callers_cache.get("all", _load_all).get(_digest(key))
