"""Bearer tokens: HS256 JWTs whose `sub` is the user id.

The web server mints them (short-lived) for each proxied call; developers mint them with
`todo-api mint-token`. There is deliberately no HTTP endpoint that issues tokens.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Final

import jwt

ALGORITHM = "HS256"
# Tolerated clock difference between the minting server and this one.
LEEWAY_SECONDS = 10
MAX_SUBJECT_LENGTH = 128
# Sent with every 401, by the REST API and /mcp alike.
CHALLENGE_HEADERS: Final = {"WWW-Authenticate": "Bearer"}


class InvalidTokenError(Exception):
    """No token that can be trusted (missing, malformed or invalid): a 401. The message
    is safe to show the caller."""


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    expires_at: int


# Tokens already verified, by (secret, token): the web server reuses a user's token for
# part of its life, and a signature check is the costliest step of a request. A hit still
# checks expiry, exactly as PyJWT does; the oldest entry leaves first when full.
_VERIFIED: dict[tuple[str, str], TokenClaims] = {}
VERIFIED_CACHE_SIZE = 4096


def verify_token(token: str, secret: str) -> TokenClaims:
    key = (secret, token)
    claims = _VERIFIED.get(key)
    if claims is None:
        claims = _verify(token, secret)
        if len(_VERIFIED) >= VERIFIED_CACHE_SIZE:
            del _VERIFIED[next(iter(_VERIFIED))]
        _VERIFIED[key] = claims
    elif claims.expires_at <= time.time() - LEEWAY_SECONDS:
        del _VERIFIED[key]
        raise InvalidTokenError("token has expired")
    return claims


def _verify(token: str, secret: str) -> TokenClaims:
    try:
        # `algorithms` pins HS256: "none", RS256 and every other algorithm are refused.
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub"]},
            leeway=LEEWAY_SECONDS,
        )
    except jwt.ExpiredSignatureError:
        raise InvalidTokenError("token has expired") from None
    except jwt.MissingRequiredClaimError as exc:
        raise InvalidTokenError(f"token lacks the '{exc.claim}' claim") from None
    except jwt.InvalidAlgorithmError:
        raise InvalidTokenError("token algorithm is not allowed (HS256 only)") from None
    except jwt.InvalidSignatureError:
        raise InvalidTokenError("token signature is invalid") from None
    except jwt.InvalidAudienceError:
        raise InvalidTokenError("token has an audience (aud) this API does not accept") from None
    except jwt.ImmatureSignatureError:
        raise InvalidTokenError("token is not valid yet (iat or nbf in the future)") from None
    except jwt.PyJWTError:
        raise InvalidTokenError("token is malformed") from None
    subject = claims["sub"]
    if (
        not isinstance(subject, str)
        or not subject
        or len(subject) > MAX_SUBJECT_LENGTH
        or any(ord(c) < 32 or "\ud800" <= c <= "\udfff" for c in subject)
    ):
        raise InvalidTokenError("token subject is not a valid user id")
    return TokenClaims(user_id=subject, expires_at=int(claims["exp"]))


def bearer_user_id(authorization: str | None, secret: str) -> str:
    """The user id (`sub`) of the token in an `Authorization: Bearer <token>` header's
    value, or InvalidTokenError saying what is wrong."""
    if not authorization:
        raise InvalidTokenError("missing bearer token (Authorization: Bearer <token>)")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidTokenError("Authorization header must be 'Bearer <token>'")
    return verify_token(token.strip(), secret).user_id


def mint_token(
    user_id: str, secret: str, *, ttl_seconds: int = 300, now: float | None = None
) -> str:
    issued = int(now if now is not None else time.time())
    claims = {"sub": user_id, "iat": issued, "exp": issued + ttl_seconds}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)
