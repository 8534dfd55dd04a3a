"""Administrative units: importing the unit tree and the succession of units from CSV (`flask units
import`, `flask units import-succession`).
"""
