"""The violations register\x27s pages."""
