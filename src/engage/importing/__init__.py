"""Time from elsewhere: CSV timesheets and other trackers' items made into ledger records."""
