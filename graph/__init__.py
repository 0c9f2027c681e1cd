"""ikg core: loading, storing, validating and analysing the knowledge graph of an integration concept.

The core never imports :mod:`ikg.viz` or :mod:`ikg.api`.
"""
