"""Rendering: what people look at rather than read, made from domain records.

Charts (PNG for Telegram, SVG for the public page) and the words that caption them, the
poster (PDF and PNG), and the public page's files. Nothing here talks to Telegram or the
database; flows hand it records and send or publish what it draws. Drawing is slow, so
the entry points that draw run off the event loop.
"""
