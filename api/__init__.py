"""The faces of ikg: the ``ikg`` command line (:mod:`ikg.api.cli`), the HTTP API
(:mod:`ikg.api.http`), and the formats both render results in (:mod:`ikg.api.formats`)."""
