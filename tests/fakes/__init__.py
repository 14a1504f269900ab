"""In-memory stand-ins for the ports, one definition each, so use cases and tasks run without AWS.

One module per port family: `debts` (debts, timelines, credits), `tenants`, `webhooks` (the webhook
store, sender and queue visibility), `jobs` (the chunk queue and the event publisher), `dns` (the MX
resolver), `dialers` (the Connect and EventBridge clients).
"""
