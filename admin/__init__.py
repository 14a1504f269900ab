"""Operator commands: create tenants and keys, add credits, against the local stack or a deployed one."""
