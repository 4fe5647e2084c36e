"""Password hashing with argon2id at OWASP's minimum parameters (19 MiB, t=2, p=1) or above."""
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP Password Storage Cheat Sheet: argon2id, m=19456 KiB, t=2, p=1 is the floor; we stand on it
# deliberately so logins stay cheap enough to absorb bursts from the mobile app.
hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)

# A real hash of a random string: verifying against it when the account does not exist keeps
# the timing of "no such user" and "wrong password" the same.
_DUMMY = hasher.hash("timing-equaliser-not-a-password")


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return hasher.verify(stored_hash or _DUMMY, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return hasher.check_needs_rehash(stored_hash)
