"""Stage 2, keeping and querying: the embedded Oxigraph store, remote SPARQL servers, SPARQL text
(scanning, binding), and the confined engine process that runs what users write."""
