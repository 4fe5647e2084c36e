"""With REDIS_URL the rate-limit counters live in Redis, so every worker and host shares them."""
import os
import uuid

import pytest
import redis

from app import create_app
from app.extensions import db, limiter

from ..conftest import _config
from ..factories import create_member

REDIS = "redis://127.0.0.1:6379/15"


def _redis_or_skip():
    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("Redis at 127.0.0.1:6379 is down in CI")
        pytest.skip("no Redis at 127.0.0.1:6379")
    return client


def test_login_failures_are_counted_in_redis_and_shared_by_every_app_instance(database):
    client = _redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    config = _config(database())
    config.RATELIMIT_STORAGE_URI, config.RATELIMIT_KEY_PREFIX = REDIS, prefix
    config.LOGIN_LIMIT_PER_ACCOUNT = "2 per 15 minutes"
    first = create_app(config)
    try:
        with first.app_context():
            member = create_member()
            body = {"phone": member.member.phone, "password": "wrong-password"}
            assert [first.test_client().post("/api/v1/auth/login", json=body).status_code
                    for _ in range(2)] == [401, 401]
            assert client.keys(f"*{prefix}*"), "no rate-limit counter was written to Redis"
        second = create_app(config)  # another worker: its own app, the same Redis
        with second.app_context():
            assert second.test_client().post("/api/v1/auth/login", json=body).status_code == 429
            db.session.remove()
            db.engine.dispose()
    finally:
        for key in client.keys(f"*{prefix}*"):
            client.delete(key)
        with first.app_context():
            db.session.remove()
            db.engine.dispose()
        limiter.reset()
