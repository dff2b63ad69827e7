"""The generated pipelines, hooks and manifests, checked by the tools their platforms use.

What cannot run here (a GitLab server, GitHub's runners, a Kubernetes cluster) is validated
by kept tools instead of our own reading: gitlab-ci-local schema-checks .gitlab-ci.yml and
plans the pipeline with GitLab's rules; check-jsonschema's vendored GitHub-workflow schema;
kubernetes-validate's Kubernetes schemas. Running jobs for real is in test_generated_app.py.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from .conftest import CONTEXT
from .pipelines import git_init, gitlab_jobs, gitlab_preview, run_tool

CHANGE_JOBS = {
    "lint": "make lint",
    "backend": "make test-backend",
    "frontend": "make test-frontend",
    "compliance": "make frontend check",
    "walkthrough": "make walkthrough",
}
PIPELINE_FILES = (".gitlab-ci.yml", ".github/workflows/ci.yml",
                  ".github/workflows/inspection.yml", "ci/debian-packages.sh")


@pytest.fixture(scope="module")
def baked(cookies_session):
    """One bake per set of answers, shared by the module's tests: they only read the files
    (and gitlab-ci-local its own cache folder), so a bake each would only cost time."""
    projects: dict[tuple, Path] = {}

    def bake(**override) -> Path:
        key = tuple(sorted(override.items()))
        if key not in projects:
            result = cookies_session.bake(extra_context={**CONTEXT, **override})
            assert result.exit_code == 0, result.exception
            projects[key] = Path(result.project_path)
            git_init(projects[key])  # gitlab-ci-local reads the files through git
        return projects[key]

    return bake


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def make_targets(project: Path) -> set[str]:
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([\w./-]+):(?!=)", makefile, flags=re.MULTILINE))


@pytest.mark.parametrize(
    ("ci", "expected"),
    [
        ("gitlab", {".gitlab-ci.yml", "ci/debian-packages.sh"}),
        ("github", {".github/workflows/ci.yml", ".github/workflows/inspection.yml",
                    "ci/debian-packages.sh"}),
        ("none", set()),
    ],
)
def test_ci_option_bakes_only_the_chosen_pipeline(baked, ci, expected):
    project = baked(ci=ci)
    present = {name for name in PIPELINE_FILES if (project / name).exists()}
    assert present == expected


def test_default_pipeline_is_gitlab_and_plans_every_check_per_change(baked):
    project = baked()
    assert gitlab_jobs(project) == {**dict.fromkeys(CHANGE_JOBS, "on_success"),
                                    "inspection": "never"}


def test_scheduled_pipeline_runs_only_the_inspection(baked):
    """§8.3 c: the periodic inspection is what a scheduled pipeline is for."""
    project = baked()
    planned = gitlab_jobs(project, "CI_PIPELINE_SOURCE=schedule")
    assert planned == {**dict.fromkeys(CHANGE_JOBS, "never"), "inspection": "on_success"}
    inspection = load_yaml(project / ".gitlab-ci.yml")["inspection"]
    script = "\n".join(inspection["script"])
    assert 'compliance check --url "$APP_BASE_URL" --live-only' in script
    assert "APP_BASE_URL" in script and "exit 1" in script  # no URL fails loudly too
    assert inspection["artifacts"]["when"] == "always"


def test_gitlab_jobs_run_the_make_targets_and_keep_the_reports(baked):
    project = baked()
    pipeline = yaml.safe_load(gitlab_preview(project))
    targets = make_targets(project)
    for job, command in CHANGE_JOBS.items():
        assert pipeline[job]["script"][-1] == command
        for target in command.split()[1:]:
            assert target in targets, f"{job}: make {target} 不存在"
    assert "docs/self-test-report.md" in pipeline["compliance"]["artifacts"]["paths"]
    assert pipeline["walkthrough"]["artifacts"]["paths"] == ["walkthrough/"]
    assert pipeline["backend"]["artifacts"]["reports"]["coverage_report"]["path"] == "coverage.xml"
    # pip's and npm's caches follow their lock files.
    caches = {tuple(cache["key"]["files"]): cache["paths"]
              for cache in pipeline["compliance"]["cache"]}
    assert caches == {("pyproject.toml",): [".cache/pip"],
                      ("frontend/package-lock.json",): [".cache/npm"]}


def test_gitlab_coverage_pattern_reads_pytest_covs_total(baked):
    project = baked()
    pattern = load_yaml(project / ".gitlab-ci.yml")["backend"]["coverage"].strip("/")
    match = re.search(pattern, "Name    Stmts   Miss Branch BrPart  Cover\n"
                               "TOTAL    4021    198   1104     93  94.3%\n", re.MULTILINE)
    assert match is not None and match.group(1) == "94.3"


@pytest.mark.parametrize(
    ("override", "packages"),
    [({}, set()), ({"database": "postgresql"}, {"postgresql"}),
     ({"cache": "redis"}, {"redis-server"})],
)
def test_backend_job_installs_what_the_options_test_against(baked, override,
                                                            packages):
    project = baked(**override)
    gitlab = set(load_yaml(project / ".gitlab-ci.yml")["backend"]["variables"]["APT_PACKAGES"]
                 .split())
    github = baked(ci="github", **override)
    step = next(step["run"] for step in load_yaml(github / ".github/workflows/ci.yml")
                ["jobs"]["backend"]["steps"] if "debian-packages.sh" in step.get("run", ""))
    for installed in (gitlab, set(step.split()[2:])):
        assert {"nginx", "wrk"} <= installed
        assert installed & {"postgresql", "redis-server"} == packages


def test_github_workflows_match_githubs_schema(baked):
    project = baked(ci="github", database="postgresql", cache="redis")
    workflows = sorted(str(path) for path in (project / ".github/workflows").glob("*.yml"))
    result = run_tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows",
                      *workflows, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    ci = load_yaml(project / ".github/workflows/ci.yml")
    assert set(ci["jobs"]) == set(CHANGE_JOBS)
    for job, command in CHANGE_JOBS.items():
        assert command in [step.get("run") for step in ci["jobs"][job]["steps"]]
    # GitHub's own ${{ }} expressions survive the bake (Jinja must not eat them).
    assert "${{ vars.PIP_INDEX_URL }}" in (project / ".github/workflows/ci.yml").read_text()
    inspection = load_yaml(project / ".github/workflows/inspection.yml")
    assert inspection[True]["schedule"]  # YAML 1.1 reads the key `on` as True
    assert "--live-only" in str(inspection["jobs"]["inspection"]["steps"])


def test_kubernetes_manifests_match_the_kubernetes_schemas(baked):
    project = baked(database="postgresql")
    folder = project / "deploy/k8s"
    kustomization = load_yaml(folder / "kustomization.yaml")
    manifests = sorted(path.name for path in folder.glob("*.yaml")
                       if path.name != "kustomization.yaml")
    # Kustomize has no schema there: check it lists every manifest, and nothing else.
    assert sorted(kustomization["resources"]) == manifests
    result = run_tool("kubernetes-validate", "--strict", *manifests, cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(" passed for resource ") >= len(manifests)


def test_pre_commit_hooks_are_local_and_use_the_apps_own_tools(baked):
    """Hooks run offline: nothing is fetched, every tool is pinned by the app itself."""
    project = baked()
    config = load_yaml(project / ".pre-commit-config.yaml")
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {repo["repo"] for repo in config["repos"]} == {"local"}
    assert {"ruff", "ruff-format", "mypy", "vue-tsc", "styles", "detect-secrets",
            "template-update"} <= set(hooks)
    extras = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["optional-dependencies"]
    # The hooks' tools come with `make check` (and so with make hooks, lint); coverage with
    # `make test`.
    check, test = ({requirement.split("==")[0] for requirement in extras[name]}
                   for name in ("check", "test"))
    pinned = check | test
    for hook in hooks.values():
        assert hook["language"] == "unsupported"
        tool = hook["entry"].split()[0]
        if tool.startswith(".venv/bin/"):
            name = Path(tool).name
            assert {"detect-secrets-hook": "detect-secrets"}.get(name, name) in pinned | {
                "python"}
    assert {"pre-commit", "mypy", "detect-secrets", "cruft", "ruff"} <= check
    assert {"pytest-cov", "coverage"} <= test
