"""Pure validation of imported rows: phone, e-mail, currency, IBAN, dates, civility, amounts, SEPA text.

No AWS, no network (except the opt-in e-mail MX check, whose resolver is injected). Each check
returns a small frozen result carrying a message that goes to API users as is. Import the module
you need (e.g. `debtload.validation.phone`); nothing is re-exported here, so importing one check
does not load the others' data (gender-guesser, holidays, schwifty registries).
"""
