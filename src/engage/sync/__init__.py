"""A team's ledger over git: engage's merge driver for ledgers, and ``engage sync``."""
