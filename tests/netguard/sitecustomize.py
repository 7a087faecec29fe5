"""Network guard for test runs: record and refuse every connection that leaves this machine.

Active only when COURSE_NET_LOG names a file. `make test` puts this folder on PYTHONPATH for the
nbval run, so every Jupyter kernel imports it at start-up; `netcheck` fails the run if the log
is not empty. Loopback (the kernel's own ZMQ sockets) and Unix sockets are allowed.
"""

import ipaddress
import os
import socket
import traceback

LOG = os.environ.get("COURSE_NET_LOG")


def _local(address) -> bool:
    """True for Unix sockets and loopback addresses (the only traffic a course run may make)."""
    if not isinstance(address, tuple):
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: resolving it already means going out


def _record(kind: str, target) -> None:
    """Append one attempted connection, with the code that tried it, to the log."""
    stack = "".join(traceback.format_stack(limit=8)[:-2])
    with open(LOG, "a") as f:
        f.write(f"{kind} {target!r}\n{stack}\n")


if LOG:
    _connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def connect(self, address):
        if not _local(address):
            _record("connect", address)
            raise OSError(101, "Network is unreachable (blocked by the course's network guard)")
        return _connect(self, address)

    def connect_ex(self, address):
        if not _local(address):
            _record("connect_ex", address)
            return 101
        return _connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in (None, "localhost") and not _local((host,)):
            _record("getaddrinfo", host)
            raise socket.gaierror(-2, "Name or service not known (blocked by the course's network guard)")
        return _getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
