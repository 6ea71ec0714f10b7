"""kolada."""
