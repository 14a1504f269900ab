"""Campaigns and their customers: a campaign's rules, the bulk of customer records added to it (by
POST /customers/add/bulk or a dropped customers file)."""
