"""Shared helpers for tests: a real reference server process on a free loopback port."""
