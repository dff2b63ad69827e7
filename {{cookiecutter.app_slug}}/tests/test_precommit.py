"""The checks the Git hooks run on a commit's styles, and the template-update reminder."""

from __future__ import annotations

import subprocess

import pytest
from devtools import PROJECT_ROOT
from devtools.precommit import (
    THEME,
    check_styles,
    contrast_ratio,
    main,
    remind_template_update,
    resolve,
    theme_tokens,
)

THEME_CSS = """
:root:root {
  --app-text: #1f2329;
  --app-text-3: #7d8591;
  --app-line: #e3e7ed;
  --app-surface: #ffffff;
  --van-text-color: var(--app-text);
}
@media (prefers-color-scheme: dark) { :root { --app-surface: #000000; } }
"""


@pytest.fixture
def theme(tmp_path):
    path = tmp_path / "theme.css"
    path.write_text(THEME_CSS, encoding="utf-8")
    return path


def vue_file(tmp_path, style: str, name: str = "Card.vue"):
    path = tmp_path / name
    path.write_text('<template><p class="x">red</p></template>\n'
                    "<script setup lang=\"ts\">const color = 'red'</script>\n"
                    f"<style scoped>\n{style}\n</style>\n", encoding="utf-8")
    return path


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast_ratio((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio((10, 20, 30), (10, 20, 30)) == pytest.approx(1)


def test_theme_variables_resolve_through_each_other(theme):
    tokens = theme_tokens(theme.read_text(encoding="utf-8"))
    assert tokens["--app-surface"] == "#ffffff"  # the dark-mode block is conditional
    assert resolve("var(--van-text-color)", tokens) == "#1f2329"
    assert resolve("var(--unknown, #123456)", tokens) == "#123456"
    assert resolve("var(--unknown)", tokens) is None


def test_red_in_a_vue_style_block_is_reported_with_its_rule(tmp_path, theme):
    path = vue_file(tmp_path, ".badge { color: #e02020; }")
    problems = check_styles([path], theme)
    assert len(problems) == 1
    assert ".badge" in problems[0] and "#e02020" in problems[0] and "红色" in problems[0]
    # The word "red" in the template or script is not a style.
    assert "'red'" not in problems[0]


def test_low_contrast_between_theme_colours_is_reported(tmp_path, theme):
    path = vue_file(tmp_path, ".hint { color: var(--app-line); background: var(--app-surface); }")
    problems = check_styles([path], theme)
    assert len(problems) == 1
    assert ".hint" in problems[0] and "1.2" in problems[0] and "低于 3:1" in problems[0]


@pytest.mark.parametrize("style", [
    ".ok { color: var(--app-text); background-color: var(--app-surface); }",
    # 3.7:1: enough for an icon or large text, which is all a rule can promise.
    ".icon { color: var(--app-text-3); background: #fff; }",
    ".fg-only { color: var(--app-text-3); }",
    ".glass { color: #eeeeee; background: rgba(255, 255, 255, 0.5); }",
    ".photo { color: #ffffff; background: url(bg.png) #fefefe; }",
    ".mystery { color: var(--not-in-theme); background: #ffffff; }",
])
def test_rules_that_pass_or_cannot_be_judged_statically(tmp_path, theme, style):
    assert check_styles([vue_file(tmp_path, style)], theme) == []


def test_plain_stylesheets_are_checked_and_the_command_fails_on_a_problem(tmp_path, theme,
                                                                            monkeypatch, capsys):
    sheet = tmp_path / "layout.css"
    sheet.write_text(".alert { color: crimson; }\n", encoding="utf-8")
    assert check_styles([sheet], theme) != []
    monkeypatch.chdir(tmp_path)  # no frontend/ here: contrast uses literal colours only
    assert main(["styles", str(sheet)]) == 1
    assert "crimson" in capsys.readouterr().out
    clean = tmp_path / "ok.css"
    clean.write_text(".ok { color: #1f2329; background: #ffffff; }\n", encoding="utf-8")
    assert main(["styles", str(clean)]) == 0


def test_the_apps_own_styles_pass():
    """What `pre-commit run --all-files` checks on a fresh app."""
    frontend = PROJECT_ROOT / "frontend" / "src"
    styles = sorted([*frontend.rglob("*.vue"), *frontend.rglob("*.css")])
    assert styles
    assert check_styles(styles, PROJECT_ROOT / THEME) == []


def completed(returncode: int, stdout: str = "", stderr: str = ""):
    return lambda *args, **kwargs: subprocess.CompletedProcess(args, returncode, stdout, stderr)


def test_template_reminder_speaks_only_when_the_template_moved_on():
    assert remind_template_update(completed(0, "SUCCESS: Good work!")) is None
    moved = remind_template_update(completed(1, "FAILURE: Project's cruft is out of date!"))
    assert moved is not None and "cruft update" in moved


@pytest.mark.parametrize(("run", "reason"), [
    (completed(1, "", "╭─ Traceback ─╮\n│ ... │\nInvalidCookiecutterRepository: Unable to "
                      "clone\n'/srv/template' does not exist\n'\n"),
     "InvalidCookiecutterRepository: Unable to clone"),
    (completed(1, "", "fatal: could not resolve host\n"), "fatal: could not resolve host"),
    (completed(1), "无输出"),
])
def test_template_reminder_says_why_it_cannot_check(run, reason):
    reminder = remind_template_update(run)
    assert reminder is not None and "未能检查" in reminder
    assert reminder.endswith(reason)


def test_template_reminder_never_blocks_a_commit(monkeypatch, capsys):
    def offline(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], 120)

    monkeypatch.setattr(subprocess, "run", offline)
    assert main(["template"]) == 0
    assert "未能检查" in capsys.readouterr().out


def test_unknown_command_is_refused_in_chinese(capsys):
    assert main(["lint"]) == 2
    assert "用法" in capsys.readouterr().err
