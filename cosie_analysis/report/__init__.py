"""Figures and tables: the report builders, exports and the disclosure control applied to them."""
