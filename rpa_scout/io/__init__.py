"""Readers and writers: the only modules of rpa_scout that touch files."""

from rpa_scout.io.read import read_log

__all__ = ["read_log"]
