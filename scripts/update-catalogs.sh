#!/bin/sh
# Refresh every catalog from the code: extract messages, merge them into each language,
# then compile once to check the catalogs are well formed (the .mo files are gitignored;
# the bot compiles .po files in memory when no current .mo is there).
# Usage: scripts/update-catalogs.sh            (all languages)
#        scripts/update-catalogs.sh init CODE  (start a new language, e.g. "init de")
set -eu
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-pybabel}"
"$PYBABEL" extract -F babel.cfg -k _ -k ngettext:1,2 -k N_ --no-location --sort-output \
    --add-comments=Translators: --project=coprod-bot --copyright-holder="coprod-bot contributors" \
    -o locales/messages.pot .
if [ "${1:-}" = "init" ]; then
    "$PYBABEL" init -i locales/messages.pot -d locales -D messages -l "$2"
fi
"$PYBABEL" update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete \
    --ignore-pot-creation-date
"$PYBABEL" compile -d locales -D messages --statistics
