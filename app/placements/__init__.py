"""Placement outcomes: following a demand-supply match to a hire or a rejection."""
