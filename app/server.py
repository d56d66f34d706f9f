"""Serve the app under uvicorn, spreading connections evenly over several workers.

``uvicorn --workers N`` binds one listening socket in its supervisor and shares it with every
worker, so the workers race to ``accept()`` on one queue; an idle worker's event loop accepts
every connection that is waiting. Clients that open their keep-alive connections in a burst (an
HR system's sync job, a load balancer's upstream pool) then all land on one worker and stay
there: measured on two cores, 2 and 8 keep-alive clients were served by one of two workers
(the other used 0.2 CPU seconds in 30 s), which halves the capacity of the machine.

On Linux each worker here binds its own socket in one ``SO_REUSEPORT`` group instead, and the
kernel spreads new connections over the group's sockets by a hash of their addresses. uvicorn's
own supervisor still starts, watches, restarts and stops the workers (graceful shutdown, health
checks); only the socket each worker listens on differs. Elsewhere (or for one worker, a Unix
socket or an inherited file descriptor) this is plain uvicorn.

Usage: python -m app.server [--host 127.0.0.1] [--port 8000] [--workers 1] [--no-proxy-headers]
       [--no-access-log] [--timeout-graceful-shutdown 30]
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
from socket import socket as Socket

import uvicorn
from uvicorn.supervisors import multiprocess

APP = "app.main:app"
logger = logging.getLogger("uvicorn.error")


def reuse_port_available() -> bool:
    """Linux's SO_REUSEPORT balances connections over a group's sockets (BSD's and macOS's does not)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def bind_reuse_port(host: str, port: int) -> Socket:
    """A TCP socket bound to ``(host, port)`` in that address's ``SO_REUSEPORT`` group (not listening yet)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


class _ReusePortProcess(multiprocess.Process):
    """A uvicorn worker that listens on a socket of its own (bound in the worker, after spawn)."""

    def target(self, sockets: list[Socket] | None = None) -> None:  # runs in the worker
        super().target([bind_reuse_port(self.config.host, self.config.port)])


def serve(config: uvicorn.Config) -> None:
    """Run ``config`` as uvicorn would, with a ``SO_REUSEPORT`` socket per worker where that helps."""
    if config.workers <= 1:
        server = uvicorn.Server(config)
        server.run()
        if not server.started:
            raise SystemExit(3)  # uvicorn's STARTUP_FAILURE
        return
    if config.uds or config.fd is not None or not reuse_port_available():
        multiprocess.Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    if config.port == 0:
        raise SystemExit("--port 0 cannot be shared by several workers: give a port")
    # Fail here, with one clear message, if the address is taken (each worker would fail alike).
    bind_reuse_port(config.host, config.port).close()
    # uvicorn's supervisor makes its workers from this module-level name (initial start, restart
    # of a dead worker, SIGHUP restart); each then binds its own socket.
    multiprocess.Process = _ReusePortProcess  # type: ignore[misc]
    logger.info("%d workers, one SO_REUSEPORT socket each on %s:%d", config.workers, config.host, config.port)
    multiprocess.Multiprocess(config, sockets=[]).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))
    parser.add_argument(
        "--proxy-headers",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="trust X-Forwarded-* from --forwarded-allow-ips (uvicorn's default: on)",
    )
    parser.add_argument("--forwarded-allow-ips", default=None)
    parser.add_argument("--no-access-log", action="store_true", help="uvicorn's own access log off (the app logs JSON)")
    parser.add_argument("--timeout-graceful-shutdown", type=int, default=30, help="seconds in-flight requests get")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    config = uvicorn.Config(
        APP,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips,
        access_log=not args.no_access_log,
        timeout_graceful_shutdown=args.timeout_graceful_shutdown,
    )
    serve(config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
