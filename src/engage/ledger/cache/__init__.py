"""The ledger cache: what a ledger's lines held, checked before it is believed."""
