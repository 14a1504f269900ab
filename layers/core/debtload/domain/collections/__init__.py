"""SEPA Direct Debit collections (seed 001): rules, bulks on the job engine, single collections,
cancellation and the pain.008 bank files."""
