"""The HTTP face: the FastAPI app, its settings and guard, the routers, and the backends that run SPARQL."""
