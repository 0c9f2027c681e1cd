"""Stage 4, the network: actors and their ties read from the store, metrics, and the explained
networking gaps (missing links, coverage, brokers, silos, isolates)."""
