"""The KPI dashboard: one self-contained HTML page over the business marts (make dashboard)."""
