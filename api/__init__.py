"""The faces of ikg: the ``ikg`` command line and (later) the HTTP API."""
