"""The Spanish and German catalogs are complete: a fresh `makemessages` over today's code finds nothing
untranslated, nothing fuzzy, and every translation keeps its placeholders and the language's plural forms.

The fresh run writes into a temporary copy of `locale/` (the sources are reached through symlinks), so the
test sees strings added since the catalogs were last updated, and the working tree is never touched.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

from tests.needs import needs

pytestmark = needs("gettext")

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("es", "de")
PLURALS = {"es": 3, "de": 2}
SKIPPED = {".venv", ".git", ".data", "tests", "bench", "locale", "media", "staticfiles", "node_modules"}
# %(name)s / %s (printf), {name} (str.format), $name (messaging templates, string.Template), %% and tags.
PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-+ #0-9.]*[a-zA-Z]|%[sdif]|\{[A-Za-z_][\w.]*\}|\$\$|\$[A-Za-z_]\w*|%%|</?\w+[^>]*>"
)


@pytest.fixture(scope="module")
def fresh_catalogs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, polib.POFile]:
    """`makemessages -l es -l de` over the code as it is now, merged into a copy of the committed catalogs."""
    tree = tmp_path_factory.mktemp("i18n")
    for entry in ROOT.iterdir():
        if entry.name not in SKIPPED and not entry.name.startswith("."):
            (tree / entry.name).symlink_to(entry)
    shutil.copytree(ROOT / "locale", tree / "locale")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tree)
        from django.conf import settings

        patch.setattr(settings, "LOCALE_PATHS", [str(tree / "locale")])
        call_command("makemessages", locale=list(LANGUAGES), symlinks=True, verbosity=0, no_obsolete=True)
    return {lang: polib.pofile(str(tree / "locale" / lang / "LC_MESSAGES" / "django.po")) for lang in LANGUAGES}


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_translated_and_nothing_is_fuzzy(fresh_catalogs: dict[str, polib.POFile], lang: str) -> None:
    catalog = fresh_catalogs[lang]
    assert len(catalog) > 1000  # the run found the project's strings
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated in {lang} (docs/i18n.md): {untranslated[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {lang} (docs/i18n.md): {fuzzy[:20]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_placeholders_and_plural_forms(fresh_catalogs: dict[str, polib.POFile], lang: str) -> None:
    catalog = fresh_catalogs[lang]
    assert catalog.metadata["Plural-Forms"].startswith(f"nplurals={PLURALS[lang]};")
    broken = []
    for entry in catalog.translated_entries():
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
            allowed = set(_placeholders(entry.msgid) + _placeholders(entry.msgid_plural))
            if (
                len(forms) != PLURALS[lang]
                or _placeholders(forms[-1]) != _placeholders(entry.msgid_plural)
                or any(not set(_placeholders(form)) <= allowed for form in forms)
            ):
                broken.append(entry.msgid)
        elif _placeholders(entry.msgstr) != _placeholders(entry.msgid):
            broken.append(entry.msgid)
    assert not broken, f"placeholders or plural forms differ in {lang}: {broken[:20]}"


# The names xgettext extracts from Python under `makemessages` (its own defaults plus Django's keywords).
EXTRACTED_NAMES = {
    "_",
    "gettext",
    "ngettext",
    "gettext_lazy",
    "ngettext_lazy",
    "gettext_noop",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def test_translation_functions_are_imported_under_names_makemessages_extracts() -> None:
    """`gettext_lazy as _lazy` hid six notification-setting labels from makemessages: the catalog test above
    saw nothing missing and the es/de page showed them in English. A translation function may only be bound
    to a name xgettext knows."""
    import ast

    hidden = []
    for path in ROOT.rglob("*.py"):
        if SKIPPED & set(path.relative_to(ROOT).parts[:-1]) or path.relative_to(ROOT).parts[0].startswith("."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                hidden += [
                    f"{path.relative_to(ROOT)}: {alias.name} as {alias.asname}"
                    for alias in node.names
                    if alias.name in EXTRACTED_NAMES and (alias.asname or alias.name) not in EXTRACTED_NAMES
                ]
    assert not hidden, f"translation functions under names makemessages does not extract: {hidden}"
