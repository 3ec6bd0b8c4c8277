"""The write side: the application (one command method per transition) and the event log."""
