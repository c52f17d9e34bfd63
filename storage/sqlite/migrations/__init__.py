"""Numbered schema migrations, ``NNNN_name.sql``, applied in order; old ones are never edited."""
