# FitWell Pro — `make run` serves the platform with a demo studio; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench clean

$(STAMP): requirements/base.txt requirements/dev.txt requirements/production.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) deploy/local.py run

test: $(STAMP)
	$(PY) deploy/local.py test $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo

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
