"""SQLite storage: the connection, numbered migrations and one repository module per table group.

Nothing outside this package writes SQL, and nothing in it imports ``telegram``.
"""
