# FitWell Pro — `make run` serves the platform with a demo studio; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-instants typecheck lint format bench clean

$(STAMP): requirements/base.txt requirements/dev.txt requirements/production.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) deploy/local.py run

test: $(STAMP)
	$(PY) deploy/local.py test $(ARGS)

# The date-sensitive modules again at each fixed instant of tests/clock.py (Sunday 23:30, the clock-change
# nights of London and New York, 31 December 23:59, 29 February), on one kept test database.
DATE_SENSITIVE := tests/domain/scheduling tests/domain/programs tests/domain/workouts tests/domain/progress \
	tests/portal/test_scheduling_pages.py tests/portal/test_training_pages.py tests/portal/test_workouts_pages.py
test-instants: $(STAMP)
	set -e; for instant in $$($(PY) -c "from tests.clock import INSTANTS; print(*INSTANTS)"); do \
	  echo "== FITWELL_TEST_NOW=$$instant"; \
	  FITWELL_TEST_NOW=$$instant $(PY) deploy/local.py test -q --reuse-db $(DATE_SENSITIVE) $(ARGS); \
	done

# ruff, import-linter (the layering contracts) and mypy with django-stubs ([tool.mypy] in pyproject.toml: config
# core tenants domain billing portal); CI runs it. Each `# type: ignore[code]` left carries its reason.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/mypy

typecheck: $(STAMP)
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) bench/provisioning.py
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) bench/scheduling.py
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) bench/videos.py
	$(PY) bench/web.py
	$(PY) bench/fleet.py

clean:
	rm -rf $(VENV) .data
