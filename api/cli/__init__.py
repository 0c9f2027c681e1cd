"""The ``ikg`` command line, commands grouped by task.

- :mod:`.app`: the Typer app, the global options (``--store``, ``--lang``, ``--no-seed``) and
  :func:`main`, which turns every error into one clear line in the user's language;
- :mod:`.common`: what the commands share (the store, options built from the core's tuples,
  messages);
- :mod:`.data`: ``import``, ``validate``, ``export``, ``drop``;
- :mod:`.explore`: ``info``, ``concepts``, ``queries``, ``query``;
- :mod:`.network`: ``gaps``, ``metrics``, ``view``, ``report``;
- :mod:`.serving`: ``up`` (the main job) and ``serve``.

The command modules import the heavy parts (rdflib, networkx, matplotlib) inside the commands,
so that ``ikg --help`` answers at once.
"""

from ikg.api.cli.app import app, main

__all__ = ["app", "main"]
