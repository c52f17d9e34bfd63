"""Every catalog has every message of the code, complete, with the same placeholders.

The messages are extracted afresh from the code (Babel's Python API, the same mapping and
keywords as ``scripts/update-catalogs.sh``), so a string added to a handler without a
translation fails here, not in front of a neighbour.
"""

from __future__ import annotations

import gettext
import re
import string
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from bot.domain import i18n

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None}
PLURAL_FORMS = {"pl": 3, "ar": 6, "ur": 2}
TRANSLATED = tuple(language for language in i18n.available_languages() if language != i18n.SOURCE_LANGUAGE)

_PRINTF = re.compile(r"%(?:\((\w+)\))?[#0+-]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")
_CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Catalog:
    """A fresh ``messages.pot`` of the code as it is now."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config, "babel.cfg")
    pot = Catalog(project="coprod-bot")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        pot.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    path = tmp_path_factory.mktemp("extract") / "messages.pot"
    with path.open("wb") as fp:
        write_po(fp, pot)
    with path.open("rb") as fp:
        return read_po(fp)


def _catalog(language: str) -> Catalog:
    with (i18n.locales_dir() / language / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=language)


def placeholders(text: str) -> set[str]:
    """``{name}`` fields and ``%(name)d`` / ``%d`` conversions, as comparable names."""
    found = {f"{{{field}}}" for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    for name, conversion in _PRINTF.findall(text):
        if conversion != "%":
            found.add(f"%({name}){conversion}" if name else f"%{conversion}")
    return found


def tags(text: str) -> list[str]:
    return sorted(_TAG.findall(text))


def _problems(source: Message, translated: Message) -> list[str]:
    if translated.fuzzy:
        return ["fuzzy"]
    forms = [translated.string] if isinstance(translated.string, str) else list(translated.string)
    sources = [source.id] if isinstance(source.id, str) else list(source.id)
    if not all(forms):
        return ["empty"]
    wanted = set().union(*(placeholders(text) for text in sources))
    problems = []
    for form in forms:
        try:
            have = placeholders(form)
        except ValueError as error:
            problems.append(f"broken placeholder ({error}) in {form!r}")
            continue
        # A plural form may leave the number out ("فكرتان": two ideas), nothing else.
        optional = {"{count}", "%(count)d", "%(num)d", "%d"} if source.pluralizable else set()
        if not (wanted - optional <= have <= wanted):
            problems.append(f"placeholders {sorted(have)} instead of {sorted(wanted)} in {form!r}")
        if tags(form) != tags(sources[0]):
            problems.append(f"HTML tags {tags(form)} instead of {tags(sources[0])} in {form!r}")
    return problems


def test_catalogs_exist_for_polish_urdu_and_arabic():
    assert {"en", "pl", "ur", "ar"} <= set(i18n.available_languages())


def test_extraction_finds_the_messages_of_the_code(template):
    assert template.get("Sorry, something went wrong on my side. Please try again in a moment.")
    assert template.get("EEEE d MMMM").auto_comments, "translator comments are extracted"


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalog_has_every_message_complete_with_the_same_placeholders(template, language):
    catalog = _catalog(language)
    problems = []
    for source in template:
        if not source.id:
            continue
        translated = catalog.get(source.id, source.context)
        if translated is None or translated.id != source.id:
            problems.append(f"missing: {source.id!r}")
            continue
        problems += [f"{source.id!r}: {problem}" for problem in _problems(source, translated)]
    assert not problems, f"{language}: {len(problems)} problems\n" + "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalog_has_the_plural_forms_of_its_language(language):
    """Form count and rule agree with CLDR, forms in CLDR's order (zero, one, two, few, many, other).

    Babel's own table for ``pybabel init`` swaps Arabic "many" and "other"
    (python-babel/babel#816), so the rule is checked, not trusted.
    """
    catalog = _catalog(language)
    cldr = Locale.parse(language).plural_form
    # Gettext counts whole numbers only (Polish "other" is for fractions).
    used = {cldr(n) for n in range(1001)}
    categories = [category for category in _CLDR_ORDER if category in used]
    assert catalog.num_plurals == PLURAL_FORMS.get(language, len(categories))
    assert catalog.num_plurals == len(categories)
    chosen = gettext.c2py(catalog.plural_expr)
    wrong = [n for n in range(1001) if categories[chosen(n)] != cldr(n)]
    assert not wrong, f"{language}: wrong plural form for {wrong[:10]}"


def test_placeholder_check_sees_both_styles_and_broken_ones():
    assert placeholders("{count} ideas from %(people)d neighbours, %s") == {"{count}", "%(people)d", "%s"}
    assert placeholders("100%% sure, {name}") == {"{name}"}
    with pytest.raises(ValueError):
        placeholders("{name")


def test_problems_are_found_in_fuzzy_empty_and_mismatched_entries():
    source = Message("{count} idea from {name}", string="")
    assert _problems(source, Message(source.id, "{count} pomysł od {name}", flags={"fuzzy"})) == ["fuzzy"]
    assert _problems(source, Message(source.id, "")) == ["empty"]
    assert _problems(source, Message(source.id, "{count} pomysł od {imie}"))
    assert _problems(source, Message(source.id, "<b>{count}</b> pomysł od {name}"))
    assert _problems(source, Message(source.id, "{count} pomysł od {name}")) == []
    plural = Message(("{count} idea", "{count} ideas"), string=("", ""))
    assert _problems(plural, Message(plural.id, ("فكرة واحدة", "{count} أفكار"))) == []
    assert _problems(plural, Message(plural.id, ("{count} فكرة", "{count} {name}")))
