"""The ledger: its records, the Ledger value, the reader, the writer, the lock and the cache."""
