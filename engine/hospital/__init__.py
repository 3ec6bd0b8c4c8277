"""A hospital is data: its site, catalogue, roster and shifts, read from one checked file."""

from engine.hospital.check import HospitalFileError, Problem
from engine.hospital.file import HospitalFile, json_schema
from engine.hospital.model import Hospital, RosterEntry, ShiftTemplate

__all__ = [
    "Hospital",
    "HospitalFile",
    "HospitalFileError",
    "Problem",
    "RosterEntry",
    "ShiftTemplate",
    "json_schema",
]
