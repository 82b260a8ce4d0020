"""The translation catalogs: complete, compiled reproducibly, and the language chosen as documented."""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest
from helpers import ROOT

from wfh_docs import i18n


def _tool():  # tools/i18n.py, imported by path (tools/ is no package)
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = module
    spec.loader.exec_module(module)
    return module


TOOL = _tool()
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}")


def test_every_message_has_a_vietnamese_translation() -> None:
    catalog = TOOL.read_catalog(TOOL.po_path("vi"))
    extracted = TOOL.extract()
    missing = []
    for message in extracted:
        if not message.id:
            continue
        found = catalog.get(message.id)
        strings = found.string if found is not None else None
        empty = not strings or (isinstance(strings, tuple) and not all(strings))
        if found is None or empty or found.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    assert not missing, "run python tools/i18n.py update, then translate:\n" + "\n".join(missing)


def test_translations_keep_their_placeholders() -> None:
    for message in TOOL.read_catalog(TOOL.po_path("vi")):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == wanted, f"{ids[0]!r} -> {text!r}"


def test_the_committed_mo_is_what_the_po_compiles_to() -> None:
    mo = TOOL.po_path("vi").with_suffix(".mo")
    assert mo.read_bytes() == TOOL.compiled("vi"), "run python tools/i18n.py compile"


@pytest.mark.parametrize(
    ("explicit", "env", "expected"),
    [
        (None, {}, "vi"),
        (None, {"LANG": "C"}, "vi"),
        (None, {"LC_ALL": "POSIX"}, "vi"),
        (None, {"LANG": "C.UTF-8"}, "vi"),
        (None, {"LANG": "en_US.UTF-8"}, "en"),
        (None, {"LANGUAGE": "en_GB:vi", "LANG": "vi_VN.UTF-8"}, "en"),
        (None, {"LC_ALL": "vi_VN.UTF-8", "LANG": "en_US.UTF-8"}, "vi"),
        (None, {"WFHDOC_LANG": "en", "LANG": "vi_VN.UTF-8"}, "en"),
        (None, {"WFHDOC_LANG": "vi", "LANG": "en_US.UTF-8"}, "vi"),
        ("en", {"WFHDOC_LANG": "vi"}, "en"),
        ("vi", {"LANG": "en_US.UTF-8"}, "vi"),
    ],
)
def test_the_language_is_chosen_as_documented(
    explicit: str | None, env: dict[str, str], expected: str
) -> None:
    assert i18n.choose_language(explicit, env) == expected


def test_a_context_runs_in_its_own_language() -> None:
    with i18n.using("en"):
        assert i18n.language() == "en"
        with i18n.using("vi"):
            assert i18n.language() == "vi"
        assert i18n.language() == "en"


def test_a_findings_formatting_words_are_said_in_the_readers_language() -> None:
    # "found"/"expected" that describe formatting are words of the catalog in the printed line,
    # and stay as they are in --json; text quoted from the letter is never translated
    from wfh_docs.check.finding import Finding

    f = Finding("issuer.format", "error", "Tên cơ quan", "bold, not capitals, centred", "bold capitals", "x")
    quoted = Finding("number.format", "error", "Số", "5/", "05/", "x")
    with i18n.using("vi"):
        assert "“in đậm, không in hoa, canh giữa”, yêu cầu “in hoa, đậm”" in str(f)
        assert "“5/”" in str(quoted)
    with i18n.using("en"):
        assert '(found "bold, not capitals, centred", expected "bold capitals")' in str(f)
    assert f.as_dict()["found"] == "bold, not capitals, centred"
