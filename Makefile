# cookiecutter-ywxt: `make demo` bakes the default app and runs it; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BUILD := build
DEMO_SLUG := xietong-shixiang

.PHONY: demo test lint clean

$(VENV)/.installed: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## demo: 用默认回答生成示例应用到 build/，安装并启动（应用、平台模拟器）
demo: $(VENV)/.installed
	$(BIN)/cookiecutter --no-input --overwrite-if-exists --output-dir $(BUILD) $(CURDIR)
	$(MAKE) -C $(BUILD)/$(DEMO_SLUG) dev

## test: 模板的全部测试（生成、输入校验、钩子、生成应用自己的测试）
test: $(VENV)/.installed
	scripts/system-packages.sh
	$(BIN)/ruff check hooks tests
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check hooks tests

clean:
	rm -rf $(BUILD) .pytest_cache
