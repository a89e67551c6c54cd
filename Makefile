# The platform's two commands: `make up` and `make test`. See README.md.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PROFILE ?= dev
BENCH_TIMEOUT ?= 7200
CHAOS_TIMEOUT ?= 1800

.PHONY: up down test typecheck bench chaos install infra browser token status clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## install: Python environment, the Kafka and document-store jars, the compiled store (each once, then cached)
install: $(VENV)/.installed infra

infra:
	python3 deploy/infra.py install

## browser: Debian's Chromium for the dashboard's browser test (skipped when it cannot be installed)
browser:
	@command -v chromium >/dev/null || { (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium not installed: browser tests will be skipped"; }

## up: start Kafka, the document store and every service in the background, the services under supervisord
## (restarted when they die; .infra/$(PROFILE)/run/ holds its socket and every log); returns when all /readyz answer 200.
## PROFILE=cluster: three Kafka nodes, topics replicated 3 times with min.insync.replicas=2
up: install
	servers="$$(python3 deploy/infra.py up --profile $(PROFILE))" && set -a && eval "$$servers" && set +a && \
	  $(PY) deploy/processes.py up --profile $(PROFILE)

## down: stop everything `make up` started (each service: SIGTERM, up to 30 s to finish, then supervisord)
down:
	-@[ -x $(PY) ] && $(PY) deploy/processes.py down --profile $(PROFILE)
	python3 deploy/infra.py down --profile $(PROFILE)

## status: each service's state, pid, uptime and restart count (from supervisord)
status:
	$(PY) deploy/processes.py status --profile $(PROFILE)

## typecheck: mypy over shared/ (configuration: [tool.mypy] in pyproject.toml)
typecheck: $(VENV)/.installed
	$(PY) -m mypy

## test: the type check, then the whole suite; starts its own Kafka and in-memory document store (profile "test")
## and stops them afterwards
test: install browser
	$(MAKE) --no-print-directory typecheck
	$(PY) -m pytest $(PYTEST_ARGS)

## bench: every benchmark on servers of its own (profile "bench"); they print their figures (README: how long)
bench: install
	python3 deploy/infra.py clean --profile bench >/dev/null  # last run's topics and partitions cost idle CPU
	DOCSTORE_HEAP=$${DOCSTORE_HEAP:-10g} python3 deploy/infra.py up --profile bench >/dev/null
	set -a; eval "$$(python3 deploy/infra.py env --profile bench)"; set +a; \
	  timeout $(BENCH_TIMEOUT) $(PY) -m bench.projector && timeout $(BENCH_TIMEOUT) $(PY) -m bench.goals_reached \
	  && timeout $(BENCH_TIMEOUT) $(PY) -m bench.planner \
	  && timeout $(BENCH_TIMEOUT) $(PY) -m bench.growth \
	  && timeout $(BENCH_TIMEOUT) $(PY) -m bench.partners; status=$$?; \
	  python3 deploy/infra.py down --profile bench; exit $$status

## chaos: the fault suite under load on servers of its own (profile "chaos"): every process killed with -9, the
## broker stopped, the store killed, each restarted; prints its table and fails on anything lost or applied twice
## (README, "Fault suite"); e.g. make chaos CHAOS_ARGS="--faults store --rate 5"
chaos: install
	timeout $(CHAOS_TIMEOUT) $(PY) -m tools.chaos $(CHAOS_ARGS) \
	  && timeout $(CHAOS_TIMEOUT) $(PY) -m tools.chaos --brokers 3 $(CHAOS_ARGS)

## token: a local bearer token, e.g. make token ROLE=clinic_admin CLINIC=clinic-1
token: $(VENV)/.installed
	@$(PY) -m tools.token --role $(or $(ROLE),clinician) --clinic $(or $(CLINIC),clinic-1) --sub $(or $(SUB),clinician-1)

clean: down
	rm -rf .infra/dev .infra/test
