"""What users read, in their language: Vietnamese by default, English on request.

Messages are written in English in the code and marked with `_()`; the Vietnamese text comes from
the gettext catalog `wfh_docs/locale/vi/LC_MESSAGES/wfhdoc.po`, compiled to the `.mo` beside it
by `python tools/i18n.py compile` (a test checks that the committed `.mo` is what the `.po`
compiles to, and that every marked message has its translation).

The language is Vietnamese unless English is asked for: `wfhdoc --lang en`, `WFHDOC_LANG=en`, or
an English locale (`LC_ALL`, `LC_MESSAGES`, `LANG` or `LANGUAGE` starting with `en`). The C and
POSIX locales, which servers and Windows consoles often report, mean Vietnamese: the clerk's
language is the default, not the machine's.

The current language lives in a context variable, so that the CLI sets it for its run and the
browser app for each request, and nothing else in the process changes.
"""

from __future__ import annotations

import contextvars
import gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "wfhdoc"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

_translations: dict[str, gettext.NullTranslations] = {}
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("wfhdoc_language", default=None)


def choose_language(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language asked for: `explicit` (from --lang), then WFHDOC_LANG, then the locale."""
    env = os.environ if environ is None else environ
    for value in (explicit, env.get("WFHDOC_LANG")):
        if value:
            return normalise(value)
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            # LANGUAGE may list several ("en_GB:vi"); the first decides
            first = value.split(":")[0].lower()
            return "en" if first.startswith("en") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def normalise(value: str) -> str:
    """'en_US.UTF-8' -> 'en', 'VI' -> 'vi'; anything not English is Vietnamese."""
    return "en" if value.strip().lower().startswith("en") else DEFAULT_LANGUAGE


def _catalog(lang: str) -> gettext.NullTranslations:
    found = _translations.get(lang)
    if found is None:
        found = (
            gettext.NullTranslations()
            if lang == "en"
            else gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)
        )
        _translations[lang] = found
    return found


def language() -> str:
    """The language of this run or request."""
    return _current.get() or choose_language()


def set_language(lang: str) -> contextvars.Token[str | None]:
    """Make `lang` the language of the current context; returns the token to reset it."""
    return _current.set(normalise(lang))


@contextmanager
def using(lang: str) -> Iterator[None]:
    """Run a block in `lang` (the CLI's run, a request of the browser app, a test)."""
    token = set_language(lang)
    try:
        yield
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """`message` in the current language."""
    return _catalog(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message with a count, in the current language."""
    return _catalog(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for translation where it is defined, translate it where it is shown."""
    return message
