"""Dispatch: rounds and their decisions, replay, explanations, escalation, the driver
that decides when anything happens, and the live loop that runs it on the system clock."""
