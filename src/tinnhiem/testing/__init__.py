"""Factories, demo data and Hypothesis strategies that tests (and users) import."""
