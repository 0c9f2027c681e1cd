"""A concept as the spreadsheet an import reads: export and the template to start from.

``read`` (a concept from the store as tables, the inverse of :mod:`ikg.graph.ingest.mapping`),
``order`` (row order and source cells), ``values`` (cells per language), ``guide`` (the
instructions and column hints), ``workbook`` (xlsx), ``csvfiles`` (a CSV folder), ``template``
(the example concept) and ``export`` (the entry points for a stored concept).
"""
