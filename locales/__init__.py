"""Gettext catalogs: ``locales/<lang>/LC_MESSAGES/messages.po`` (a package so it ships as data)."""
