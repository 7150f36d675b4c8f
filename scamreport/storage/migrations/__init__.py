"""Alembic migrations of the storage schema (a package so that it ships with scamreport)."""
