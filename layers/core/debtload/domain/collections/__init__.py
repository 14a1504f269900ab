"""SEPA Direct Debit collections (the bank's bulk collections API): rules, bulks on the job engine, single
collections, cancellation and the pain.008 bank files."""
