"""Contracts and plumbing shared by the clinic services. No business rules live here."""
