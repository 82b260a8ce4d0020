"""Templates written to attack: code execution, memory and time bombs, broken encodings.

Every hostile template is the shipped wfh_docs/templates/cong-van.docx with one tag added to the
signer's paragraph. Each must be refused with a message naming the template (and, where it
can, the part and paragraph), exit code 1, no traceback and no letter, both by `wfhdoc build`
and, where it can be seen without rendering, by `wfhdoc check --template`. The limits are what
keeps each of these tests short; no test measures time.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from helpers import REFERENCE_JSON, ROOT

from wfh_docs.check import check_template
from wfh_docs.cli import main
from wfh_docs.errors import TemplateError
from wfh_docs.letter.sources import load_letter
from wfh_docs.render import Template, limits, numbered_source, sandbox

SHIPPED = ROOT / "wfh_docs" / "templates" / "cong-van.docx"
ANCHOR = "{{ signer.name }}"  # the signer's name: the tag the hostile one is put beside


def hostile(tmp_path: Path, tag: str, *, name: str = "evil.docx", raw: bytes | None = None) -> Path:
    """The shipped template with `tag` before the signer's name (XML-escaped as Word writes
    it), or with `raw` bytes in its place."""
    target = tmp_path / name
    escaped = tag.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    with zipfile.ZipFile(SHIPPED) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                assert ANCHOR.encode() in data
                replacement = raw if raw is not None else escaped.encode() + ANCHOR.encode()
                data = data.replace(ANCHOR.encode(), replacement, 1)
            zout.writestr(info, data)
    return target


def build(template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, Path]:
    out = tmp_path / "out.docx"
    capsys.readouterr()
    code = main(["build", str(REFERENCE_JSON), "--template", str(template), "-o", str(out)])
    return code, capsys.readouterr().err, out


def assert_refused(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], *fragments: str
) -> str:
    code, err, out = build(template, tmp_path, capsys)
    assert code == 1, err
    assert err.startswith(f"error: {template}"), err
    assert "Traceback" not in err and "internal error" not in err, err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out") or p.suffix == ".tmp"]
    return err


def template_errors(template: Path) -> list[str]:
    return [str(f) for f in check_template(template) if f.severity == "error"]


# --- the shipped template ------------------------------------------------------------------


def test_the_shipped_template_passes_its_own_check(capsys: pytest.CaptureFixture[str]) -> None:
    # the example in `wfhdoc check --help`; its loop variables are not unknown fields
    assert main(["check", "--template", str(SHIPPED)]) == 0
    out, err = capsys.readouterr()
    assert "error" not in out
    assert err.strip() == f"{SHIPPED}: 0 errors, 0 warnings"


def test_paragraph_lines_leave_the_output_unchanged() -> None:
    # the comments that put each paragraph on its own line render to nothing
    with zipfile.ZipFile(SHIPPED) as zf:
        xml = zf.read("word/document.xml").decode()
    numbered = numbered_source(xml)
    assert numbered.count("\n") > xml.count("\n") + 20
    assert numbered.replace("{#\n#}", "") == xml


def test_a_loop_variable_used_outside_its_loop_is_reported(tmp_path: Path) -> None:
    evil = hostile(tmp_path, "{{ line }}")
    assert any("line is not something wfhdoc provides" in e for e in template_errors(evil))


# --- code execution ---------------------------------------------------------------------------

CODE_EXECUTION = {
    "cycler-globals": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "joiner-globals": "{{ joiner.__init__.__globals__.os.popen('id').read() }}",
    "namespace-globals": "{{ namespace.__init__.__globals__['os'].popen('id').read() }}",
    "lipsum-globals": "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "str-mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "self-init": "{{ self.__init__.__globals__ }}",
    "request-like": "{{ request.application.__globals__.__builtins__ }}",
    "config-like": "{{ config.__class__.__init__.__globals__['os'] }}",
    "item-access": "{{ cycler['__init__']['__globals__'] }}",
    "attr-filter": "{{ (cycler|attr('__init__')) }}",
    "generator-frame": "{{ (range(3)|map('string')).gi_frame.f_globals }}",
    "private-name": "{{ signer._private }}",
    "type-mro": "{{ signer.mro() }}",
}


@pytest.mark.parametrize("tag", CODE_EXECUTION.values(), ids=CODE_EXECUTION.keys())
def test_code_execution_is_refused_before_any_letter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tag: str
) -> None:
    evil = hostile(tmp_path, tag)
    err = assert_refused(evil, tmp_path, capsys, "word/document.xml", "in the paragraph", "internals")
    assert "uid=" not in err
    errors = template_errors(evil)
    assert any("internals" in e and "sandbox refuses it" in e for e in errors), errors


DYNAMIC = {
    # names put together at render time: only the sandbox itself can see them
    "concatenated-name": "{{ (cycler|attr('__in' ~ 'it__')).__call__ }}",
    "concatenated-item": "{{ ''['__cl' ~ 'ass__'] }}",
    "format-field": "{{ '{0.__class__.__mro__}'.format(cycler) }}",
    "format-map": "{{ '{x.__class__}'.format_map({'x': cycler}) }}",
}


@pytest.mark.parametrize("tag", DYNAMIC.values(), ids=DYNAMIC.keys())
def test_internals_reached_by_a_computed_name_are_refused_while_rendering(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tag: str
) -> None:
    evil = hostile(tmp_path, tag)
    assert_refused(evil, tmp_path, capsys, "word/document.xml", "in the paragraph")


def test_a_sandbox_refusal_is_a_template_error_naming_the_paragraph(tmp_path: Path) -> None:
    evil = hostile(tmp_path, "{{ (cycler|attr('__in' ~ 'it__')) }}")
    with pytest.raises(TemplateError, match=r"evil\.docx: word/document\.xml, in the paragraph .*sandbox"):
        Template(evil).render(load_letter(REFERENCE_JSON).letter)


def test_unknown_names_like_request_and_config_are_template_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = hostile(tmp_path, "{{ config.items() }}")
    assert_refused(evil, tmp_path, capsys, "'config' is undefined", "in the paragraph")
    assert any("config" in e for e in template_errors(evil))


# --- memory bombs -----------------------------------------------------------------------------

MEMORY = {
    "string-times": ("{{ 'a' * 10**9 }}", "characters"),
    "list-times": ("{{ [0] * 10**9 }}", "items"),
    "printf-width": ("{{ '%0999999999d' % 1 }}", "field width"),
    "printf-star": ("{{ '%*d' % (10**9, 1) }}", "'*'"),
    "format-filter": ("{{ '%0999999999d'|format(1) }}", "field width"),
    "str-format-width": ("{{ '{:>999999999}'.format(1) }}", "field width"),
    "power": ("{{ 10**(10**10) }}", "bits"),
    "power-tower": ("{{ 9**(9**9) }}", "bits"),
    "int-times": (
        "{{ (10**5000) * (10**5000) * (10**5000) * (10**5000) * (10**5000) * (10**5000) * (10**5000) }}",
        "bits",
    ),
    "ljust": ("{{ 'a'.ljust(10**9) }}", "width"),
    "center-filter": ("{{ 'a'|center(10**9) }}", "width"),
    "indent-filter": ("{{ ('a\n' * 1000)|indent(10**6) }}", "characters"),
    "replace-filter": ("{{ ('x' * 10**6)|replace('x', 'x' * 1000) }}", "characters"),
    "replace-method": ("{{ ('x' * 10**6).replace('', 'y' * 1000) }}", "characters"),
    "join": ("{{ (['x' * 10**7] * 100)|join }}", "characters"),
    "join-method": ("{{ ''.join(['x' * 10**7] * 100) }}", "characters"),
    "concat-doubling": (
        "{% set ns = namespace(s='a') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        "characters",
    ),
    "plus-doubling": (
        "{% set ns = namespace(s='a') %}{% for i in range(100) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
        "characters",
    ),
    "nested-lists-printed": (
        "{% set a = ['x' * 10**6] %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}"
        "{% set c = [b, b, b, b, b, b, b, b, b, b] %}{{ c }}",
        "printed list",
    ),
    "dict-view-printed": ("{{ {}.fromkeys(range(100000), 'x' * 10**6).items() }}", "printed list"),
    "compare-shared-tuples": (
        "{% set ns = namespace(x=(1,), y=(1,)) %}{% for i in range(40) %}{% set a = (ns.x, ns.y) %}"
        "{% set b = (ns.y, ns.x) %}{% set ns.x = a %}{% set ns.y = b %}{% endfor %}{{ ns.x == ns.y }}",
        "a list held twice counts twice",
    ),
    "hash-shared-tuples": (
        "{% set ns = namespace(t=(1,)) %}{% for i in range(60) %}{% set ns.t = (ns.t, ns.t) %}{% endfor %}"
        "{{ {ns.t: 1}|length }}",
        "a list held twice counts twice",
    ),
    "batch-fill": ("{{ [1]|batch(10**9, 0)|list }}", "items"),
    "sum-of-lists": ("{{ ([[0] * 10**5] * 100)|sum(start=[]) }}", "items"),
    "lipsum": ("{{ lipsum(10**9) }}", "placeholder text"),
    "sort-a-string": ("{{ ('a' * 60000000)|sort|length }}", "items"),
    "split": ("{{ ('a ' * 30000000).split()|length }}", "items"),
    "set-block": (
        "{% set x %}{% for i in range(100000) %}{{ 'y' * 1000 }}{% endfor %}{% endset %}",
        "characters",
    ),
    "macro-output": (
        "{% macro m() %}{% for i in range(100000) %}{{ 'y' * 1000 }}{% endfor %}{% endmacro %}"
        "{{ m()|length }}",
        "characters",
    ),
}


@pytest.mark.parametrize(("tag", "says"), MEMORY.values(), ids=MEMORY.keys())
def test_memory_bombs_are_refused_before_the_memory_is_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tag: str, says: str
) -> None:
    evil = hostile(tmp_path, tag)
    assert_refused(evil, tmp_path, capsys, "word/document.xml", "in the paragraph", says)


def test_a_huge_output_is_stopped_while_it_is_generated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = hostile(tmp_path, "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}")
    assert_refused(evil, tmp_path, capsys, "word/document.xml", "renders to more than")


# --- time bombs -------------------------------------------------------------------------------

LOOPS = {
    "huge-range": ("{% for x in range(10**9) %}{% endfor %}", "range(1000000000)"),
    "nested-loops": (
        "{% for x in range(100000) %}{% for y in range(100000) %}{% endfor %}{% endfor %}",
        "loop iterations",
    ),
    "loop-over-a-list-product": (
        "{% for x in [0] * 999999 %}{% for y in [0] * 999999 %}{% endfor %}{% endfor %}",
        "loop iterations",
    ),
    "recursive-macro": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "calls itself without end"),
}


@pytest.mark.parametrize(("tag", "says"), LOOPS.values(), ids=LOOPS.keys())
def test_long_loops_are_stopped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tag: str, says: str
) -> None:
    evil = hostile(tmp_path, tag)
    assert_refused(evil, tmp_path, capsys, "word/document.xml", says)


def test_a_paragraph_loop_is_named_by_its_own_tag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # docxtpl moves a {%p for %} out of its paragraph; the message still shows that tag alone
    target = tmp_path / "evil.docx"
    with zipfile.ZipFile(SHIPPED) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"{%p for line in cc_lines %}", b"{%p for line in range(10**9) %}", 1)
            zout.writestr(info, data)
    assert_refused(target, tmp_path, capsys, "in the paragraph '{% for line in range(10**9) %}': range(")


def test_a_macro_fanning_out_is_stopped_by_the_count_of_calls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2**60 calls and no loop at all; the count allowed is lowered to keep the test short
    monkeypatch.setattr(sandbox, "MAX_STEPS", 100_000)
    tag = "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}"
    assert_refused(hostile(tmp_path, tag), tmp_path, capsys, "loop iterations and calls")


def test_a_slow_template_is_stopped_by_the_clock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # under every other limit (900,000 iterations, each making and dropping 10 MB), far longer
    # than the clock allows; the clock is set to one second here to keep the test short
    monkeypatch.setattr(limits, "RENDER_SECONDS", 1.0)
    tag = "{% for i in range(900000) %}{% set y = 'a' * 10**7 %}{% endfor %}"
    assert_refused(hostile(tmp_path, tag), tmp_path, capsys, "took more than 1 seconds")


def test_slow_code_without_loops_is_stopped_by_the_clock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # two thousand comparisons of two lists of a million numbers, in a row, no loop, no call
    monkeypatch.setattr(limits, "RENDER_SECONDS", 1.0)
    tag = (
        "{% set a = range(1000000)|list %}{% set b = range(1000000)|list %}"
        + "{% if a == b %}{% endif %}" * 2000
    )
    assert_refused(hostile(tmp_path, tag), tmp_path, capsys, "took more than 1 seconds")


# --- encodings and archives -------------------------------------------------------------------


def test_a_part_that_is_not_utf8_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # "Nguyễn" as a Windows code page would write it, beside the signer's tag
    evil = hostile(tmp_path, "", raw="Nguy\u1ec5n ".encode("cp1258", "replace") + b"\xfe " + ANCHOR.encode())
    assert_refused(evil, tmp_path, capsys, "word/document.xml", "not UTF-8")
    findings = [f for f in check_template(evil) if f.rule == "template.encoding"]
    assert len(findings) == 1 and findings[0].element == "word/document.xml"
    assert main(["check", "--template", str(evil)]) == 1


def test_a_template_that_is_not_a_zip_is_a_finding_and_a_template_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    assert [f.rule for f in check_template(fake)] == ["template.file"]
    assert_refused(fake, tmp_path, capsys, "not a zip archive")


# --- the limits do not touch real templates -----------------------------------------------------


def test_a_template_using_ordinary_jinja_still_builds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tag = (
        "{% set ns = namespace(n=0) %}{% for r in recipients %}{% set ns.n = ns.n + 1 %}{% endfor %}"
        "{{ '%d' % ns.n }} {{ ('x' ~ 'y')|upper }} {{ [1, 2, 3]|join(', ') }} {{ 'ab' * 3 }} "
        "{{ '{:>5}'.format(2**10) }} {{ range(3)|list|length }}"
    )
    code, err, out = build(hostile(tmp_path, tag), tmp_path, capsys)
    assert code == 0, err
    with zipfile.ZipFile(out) as zf:
        assert "1 XY 1, 2, 3 ababab  1024 3" in zf.read("word/document.xml").decode()
    data = json.loads(REFERENCE_JSON.read_text(encoding="utf-8"))
    assert len(data["recipients"]) == 1


# --- big letters: verification in linear time, and as strict as before ------------------------


def _big_letter(n: int) -> dict[str, object]:
    data = json.loads(REFERENCE_JSON.read_text(encoding="utf-8"))
    data["body"] = [f"Đoạn {i}: " + "nội dung báo cáo, " * 20 for i in range(n)] + ["Chi tiết tại Phụ lục."]
    return data


def test_a_template_dropping_a_field_of_a_big_letter_is_still_caught(tmp_path: Path) -> None:
    from wfh_docs.errors import RenderError
    from wfh_docs.letter.sources import validate

    dropped = hostile(tmp_path, "", raw=b"")  # no {{ signer.name }}
    letter = validate(_big_letter(3000), "big.json")
    with pytest.raises(RenderError, match=r"^1 piece\(s\) of the input are missing .*'Nguyễn Hữu Hưng'"):
        Template(dropped).render(letter)
    Template().render(letter)  # the shipped template keeps every paragraph


def test_the_fast_presence_check_answers_as_the_plain_search() -> None:
    import random

    from wfh_docs.render.verify import absent

    rng = random.Random(7)
    words = ["Sở", "Công", "Thương", "báo cáo", "./.", "-", ";", " ", "Phụ lục", "x"]
    lines = ["".join(rng.choice(words) for _ in range(rng.randint(0, 12))) for _ in range(20000)]
    text = "\n".join(lines)
    expected = []
    for _ in range(3000):
        i = rng.randrange(len(lines) - 3)
        kind = rng.randrange(6)
        if kind == 0:
            expected.append(lines[i])  # a whole line
        elif kind == 1:
            expected.append("\n".join(lines[i : i + 3]))  # a run of lines
        elif kind == 2:
            expected.append(lines[i][1:-1] or "x")  # inside a line
        elif kind == 3:
            expected.append(lines[i][2:] + "\n" + lines[i + 1][:3])  # across a line's end
        elif kind == 4:
            expected.append(lines[i] + "\n" + lines[i + 2])  # lines that do not follow
        else:
            expected.append(lines[i] + "Hà Nội")  # nowhere
    known = ["\n".join(lines[100:140])]
    assert list(absent(expected, text, known)) == [s for s in expected if s not in text]
    assert any(s not in text for s in expected) and any(s in text for s in expected)


def test_emphasis_pairs_the_same_with_many_unpaired_asterisks() -> None:
    from wfh_docs.render import inline

    # each closer finds no opener of its kind: once a scan of every opener before it
    text = "*y " * 3000 + "z** " * 3000 + "**bold** and *it*"
    spans = inline.parse(text)
    assert [s.text for s in spans if s.bold] == ["bold"]
    assert [s.text for s in spans if s.italic] == ["it"]
    assert inline.plain(text) == "*y " * 3000 + "z** " * 3000 + "bold and it"


def test_a_limit_and_a_refused_tag_are_said_in_vietnamese(tmp_path: Path) -> None:
    from wfh_docs.i18n import using

    letter = load_letter(REFERENCE_JSON).letter
    looping = hostile(tmp_path, "{% for i in range(10**7) %}{% endfor %}", name="loop.docx")
    with (
        using("en"),
        pytest.raises(TemplateError, match=r"range\(10000000\) has 10,000,000 numbers, more than"),
    ):
        Template(looping).render(letter)
    with using("vi"), pytest.raises(TemplateError, match=r"range\(10000000\) có 10,000,000 số, vượt quá"):
        Template(looping).render(letter)
    with (
        using("vi"),
        pytest.raises(TemplateError, match="thẻ truy cập '__class__', một thành phần bên trong"),
    ):
        Template(hostile(tmp_path, "{{ signer.__class__ }}", name="class.docx"))
