"""The query engine in a process of its own: confined, killable, reached only through pipes.

Oxigraph evaluates ``SERVICE`` and ``LOAD`` with its own HTTP client, and neither Python threads nor
pyoxigraph can stop a running query. So every SPARQL text a user writes (queries *and* updates) is
evaluated in an engine process:

- :mod:`.sandbox` confines the process before it reads any text: it cannot open a socket, so no
  text can make it reach the network;
- :mod:`.frames` is the wire format on its stdin/stdout pipes (there is no port to connect to);
- :mod:`.worker` is the process itself (``python -m ikg.graph.store.engine.worker``);
- :mod:`.process` is the owner's side: start it, hand it one operation, count the answer's bytes,
  kill it at the deadline or past the byte cap;
- :mod:`.snapshots` keeps the read-only copies of the store that query processes read.
"""
