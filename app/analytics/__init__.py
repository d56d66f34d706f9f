"""Supply-demand analytics: gaps, shortages and surpluses, major warnings, forecasts, fit report."""
