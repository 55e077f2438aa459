"""A page hit counter: Flask answers, redis keeps the count.

Every replica of the service shares the one counter in redis, and each
answer names the container that served it, so that several requests show
the swarm spreading the load over the replicas.
"""

import os
import socket

from flask import Flask
from redis import Redis, RedisError

REDIS_HOST = os.environ.get("REDIS_HOST", "database")
REDIS_PORT = int(os.environ.get("REDIS_PORT", "6379"))
LISTEN_HOST = os.environ.get("LISTEN_HOST", "0.0.0.0")
LISTEN_PORT = int(os.environ.get("LISTEN_PORT", "5000"))

app = Flask(__name__)
# Short timeouts: a missing database must give a clear page, not a hung request.
counter = Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=2, socket_timeout=2)


@app.route("/")
def index():
    try:
        hits = counter.incr("hits")
        line = f"This page has been seen {hits} times."
    except RedisError as error:
        line = f"Cannot reach redis at {REDIS_HOST}:{REDIS_PORT} ({error.__class__.__name__})."
    return f"{line}\nServed by container {socket.gethostname()}.\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


@app.route("/healthz")
def healthz():
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


if __name__ == "__main__":
    app.run(host=LISTEN_HOST, port=LISTEN_PORT)
