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

# The date-sensitive tests (marked `date_sensitive`: scheduling, programs, workouts, progress, nutrition and
# their pages) again at each fixed instant of tests/clock.py (Sunday 23:30, the clock-change nights of London
# and New York, 31 December 23:59, 29 February), on the kept test database(s). ARGS go to each run
# (CI: -n 2 --dist loadfile, reusing the databases `make test` kept).
test-instants: $(STAMP)
	set -e; for instant in $$($(PY) -c "from tests.clock import INSTANTS; print(*INSTANTS)"); do \
	  echo "== FITWELL_TEST_NOW=$$instant"; \
	  FITWELL_TEST_NOW=$$instant $(PY) deploy/local.py test -q --reuse-db -m date_sensitive tests $(ARGS); \
	done

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/mypy
	$(VENV)/bin/hadolint --config .hadolint.yaml Dockerfile

typecheck: $(STAMP)
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) bench/provisioning.py
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) bench/scheduling.py
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) bench/videos.py
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) bench/analytics.py
	$(PY) bench/hotpaths.py
	$(PY) bench/web.py
	$(PY) bench/fleet.py

clean:
	rm -rf $(VENV) .data
