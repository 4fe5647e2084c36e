"""A queue that is not immediate, and a real worker process (`flask --app wsgi worker`) to run it."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db as _db, limiter

from ..conftest import _config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queue_url(tmp_path):
    return f"sqlite:///{tmp_path / 'queue.db'}"


@pytest.fixture
def make_web(database, tmp_path, queue_url):
    """make_web() → a web app on this test's database and queue (call twice: a restarted web process)."""
    url = database()
    apps = []

    def make():
        config = _config(url)
        config.UPLOAD_DIR = str(tmp_path / "uploads")
        config.HUEY_IMMEDIATE, config.HUEY_URL = False, queue_url
        config.CODE_IMPORT_SYNC_LINES = 10
        apps.append(create_app(config))
        return apps[-1]

    yield make
    for app in apps:
        with app.app_context():
            _db.engine.dispose()


@pytest.fixture
def app(make_web):
    app = make_web()
    limiter.reset()
    with app.app_context():
        yield app
        _db.session.remove()


@pytest.fixture
def start_worker(app, queue_url, tmp_path):
    """start_worker() → the worker process, on the same database, queue and shared storage as `app`."""
    started = []

    def start():
        env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
               "HUEY_URL": queue_url, "HUEY_IMMEDIATE": "0", "UPLOAD_DIR": app.config["UPLOAD_DIR"],
               "SECRET_KEY": app.config["SECRET_KEY"], "CODE_SECRET": app.config["CODE_SECRET"],
               "ID_HASH_KEY": app.config["ID_HASH_KEY"], "CODE_IMPORT_CHUNK": "7", "PYTHONUNBUFFERED": "1"}
        env.pop("TEST_DATABASE_URL", None)
        log = (tmp_path / f"worker{len(started)}.log").open("w")
        process = subprocess.Popen([sys.executable, "-m", "flask", "worker", "--workers", "2"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # the consumer's graceful stop
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def wait_for(api, token, task_id, timeout=60):
    """Poll the task through the API until it is done or failed (a deadline, never a bare sleep)."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = api.get(f"/admin/tasks/{task_id}", token=token).json
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"task {task_id} did not finish: {state}")
