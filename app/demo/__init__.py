"""Deterministic, realistic bilingual demo data for the talent matching platform."""

from app.demo.generator import DemoData, generate_demo

__all__ = ["DemoData", "generate_demo"]
