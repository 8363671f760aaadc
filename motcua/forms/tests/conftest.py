"""The forms tests reuse the small province of the dossiers tests."""

from motcua.dossiers.tests.conftest import APPLICANT, PASSWORD, Province, local, province

__all__ = ["APPLICANT", "PASSWORD", "Province", "local", "province"]
