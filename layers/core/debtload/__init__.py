"""debtload: bulk import for debt collection. Domain rules, validation and AWS adapters shared by every function."""
