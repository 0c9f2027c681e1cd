"""Stage 3, asking: the named query library, RDF export, the inventory of concepts and overviews."""
