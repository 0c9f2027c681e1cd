"""Confining the engine process: no network, whatever the SPARQL text says.

A scan of the text cannot promise this: any lexer that is not the engine's own parser can be
argued with (``FILTER(''<'>') SERVICE <http://...> # '`` reads as an IRI and a string to a scanner,
and as a comparison and a comment to Oxigraph). So the process that evaluates user text is made
unable to open a socket at all, and the scan stays only as the first, friendly message.

How (Linux, no root needed): a seccomp filter, loaded with libseccomp through ``pyseccomp``, makes
the ``socket`` system call fail with ``EACCES`` for every address family, and ``io_uring_setup``
fail with ``ENOSYS`` (io_uring can open sockets without the ``socket`` call). System calls of any
other architecture (32-bit ``socketcall``) kill the process. Loading the filter sets
``no_new_privs``; neither can be undone by the process or its children. Oxigraph's HTTP client
then fails before it can resolve a name or connect: ``SERVICE`` and ``LOAD`` end in an error,
and nothing leaves the process. The process talks to its owner only through the pipes it was
started with.

Considered and not chosen as the guarantee: a network namespace (``unshare -n``) needs root or
unprivileged user namespaces, which hardened systems switch off, and it still lets a name lookup
through a Unix socket (nscd, systemd-resolved) carry data out; Landlock's network rules (Linux 6.7)
cover TCP only; pyoxigraph offers no switch for its HTTP client.
"""

from __future__ import annotations

import errno
import socket
import sys
from functools import cache

__all__ = ["SandboxUnavailableError", "confine", "unavailable_reason"]

#: what :func:`confine` puts in place, as shown to users
LAYER = "seccomp: no sockets"


class SandboxUnavailableError(RuntimeError):
    """This system cannot confine the engine process (no Linux seccomp, or no libseccomp)."""


@cache
def unavailable_reason() -> str | None:
    """Why the engine cannot be confined here, or ``None`` if it can.

    Checked in the owner's process, so that ``ikg serve`` can say at start whether user SPARQL
    will be served (each engine process checks again after confining itself).
    """
    if not sys.platform.startswith("linux"):
        return f"seccomp is a Linux feature; this system is {sys.platform}"
    try:
        import pyseccomp  # noqa: F401 - loads libseccomp
    except (ImportError, OSError, RuntimeError) as exc:
        return f"libseccomp cannot be loaded ({exc}); install it (Debian: apt install libseccomp2)"
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            if "Seccomp:" not in status.read():
                return "the kernel was built without seccomp"
    except OSError as exc:
        return f"cannot read /proc/self/status: {exc}"
    return None


def confine() -> str:
    """Make this process unable to open any socket, for the rest of its life.

    Returns
    -------
    str
        What holds now (:data:`LAYER`).

    Raises
    ------
    SandboxUnavailableError
        If the filter cannot be loaded, or a socket can still be opened after loading it.
    """
    reason = unavailable_reason()
    if reason is not None:
        raise SandboxUnavailableError(reason)
    import pyseccomp as seccomp

    try:
        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket")
        for name in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
            rules.add_rule(seccomp.ERRNO(errno.ENOSYS), name)
        rules.load()
    except OSError as exc:
        raise SandboxUnavailableError(f"the seccomp filter could not be loaded: {exc}") from exc
    for family in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX):
        try:
            socket.socket(family, socket.SOCK_STREAM).close()
        except OSError:
            continue
        raise SandboxUnavailableError(f"a socket of family {family.name} could still be opened after confining")
    return LAYER
