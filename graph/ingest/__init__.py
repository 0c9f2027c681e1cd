"""Stage 1, reading and checking: spreadsheets and RDF files in, problems named by file, row and column,
then mapped to RDF and validated with SHACL; :mod:`.importer` writes the result all-or-nothing."""
