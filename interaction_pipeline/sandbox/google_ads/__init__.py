"""Google Ads stand-in: Customer Match user lists and offline user-data jobs."""
