"""debtload: bulk import for debt collection. Domain, models and AWS adapters shared by every function."""
