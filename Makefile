# Alignboard: `make demo` to see it work, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_LANDING := data/demo_landing
WAREHOUSE ?= data/warehouse.duckdb
DEMO_STUDENTS ?= 3000
HOST ?= 127.0.0.1
PORT ?= 8050
# The demo district ends in today's school year (July to June, named by the year it ends in), so
# the teacher's classroom is one of this year's sections.
SCHOOL_YEAR := $(shell date +'%Y %m' | awk '{print $$1 + ($$2 >= 7)}')
# The demo logins (name scope [--students]); their password is demo-<name>-2026 (at least 12
# characters, as `users add` asks). Demo only.
DEMO_USERS := "analyst district --students" "principal school:01001" "depthead department:TRN" \
	"plclead plc:01001-grade_03" "teacher classroom:01001-$(SCHOOL_YEAR)-0041 --students"

LOCK := requirements.lock

.PHONY: install demo test browsers bench dev clean lock

# Installs exactly the pinned versions of requirements.lock, then Alignboard itself.
$(BIN)/alignboard: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Refresh the pins after changing the dependencies in pyproject.toml (uv's resolver, from PyPI).
lock:
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet uv
	.lock-venv/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --quiet -o $(LOCK)

install: $(BIN)/alignboard

demo: install
	$(BIN)/alignboard generate --out $(DEMO_LANDING) --students $(DEMO_STUDENTS) --years 3 --seed 42
	$(BIN)/alignboard load --landing $(DEMO_LANDING) --warehouse $(WAREHOUSE)
	$(BIN)/alignboard quality --warehouse $(WAREHOUSE)
	@for user in $(DEMO_USERS); do set -- $$user; \
		echo "demo-$$1-2026" | $(BIN)/alignboard users add $$1 --scope $$2 $$3 --password-stdin \
			--warehouse $(WAREHOUSE) || exit 1; done
	@echo
	@echo "Alignboard dashboard: http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@echo "Demo logins (user / password):"
	@echo "  analyst   / demo-analyst-2026    district analyst, may see students"
	@echo "  principal / demo-principal-2026  principal of school 01001"
	@echo "  depthead  / demo-depthead-2026   head of the Transportation department"
	@echo "  plclead   / demo-plclead-2026    lead of the Grade 3 PLC of school 01001"
	@echo "  teacher   / demo-teacher-2026    teacher of classroom 01001-$(SCHOOL_YEAR)-0041, may see its students"
	$(BIN)/alignboard dashboard --warehouse $(WAREHOUSE) --host $(HOST) --port $(PORT)

# Debian's chromium and chromedriver, for the browser tests in tests/e2e, and poppler's pdftotext
# (the print tests read the printed PDF's text).
browsers:
	@if command -v chromium >/dev/null 2>&1; then echo "chromium: $$(chromium --version)"; \
	elif command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else echo "warning: no apt-get; browser tests will be skipped"; fi
	@if ! command -v pdftotext >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; fi

# One pytest worker per core (pytest-xdist); a test file stays on one worker, so its fixtures are built once.
test: install browsers
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -n auto --dist loadfile

bench: install
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_metrics.py
	$(BIN)/python benchmarks/bench_state.py

dev: install
	mkdir -p .dagster_home
	DAGSTER_HOME=$(CURDIR)/.dagster_home $(BIN)/dg dev

clean:
	rm -rf data/warehouse.duckdb* data/users.yaml* $(DEMO_LANDING) .dagster_home test-artifacts
