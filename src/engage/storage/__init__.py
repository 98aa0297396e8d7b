"""Files on disk as every platform allows: written whole, put in place past a file held open."""
