# OrthoScan developer entry points. Local services and secrets live in .local/ (git-ignored).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

SLN     := OrthoScan.sln
API     := src/OrthoScan.Api
API_URL := http://127.0.0.1:5080
ENV     := source .local/env
RUN_API := dotnet run --no-build --project $(API) --

export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: help services stop status build tools dashboard patient-app api-types migrate seed run test demo-scan infra-check chaos load

help: ## List targets
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

services: ## Install (if needed) and start PostgreSQL 55432 + Redis 56379, write .local/env
	@bash scripts/services.sh up

stop: ## Stop the API, Redis and PostgreSQL
	@bash scripts/services.sh down

status: ## Show what is running
	@bash scripts/services.sh status

build: ## Restore and build the solution (Debug)
	dotnet restore $(SLN)
	dotnet build $(SLN) -c Debug --no-restore -nologo

tools: ## Restore local dotnet tools (dotnet-ef)
	dotnet tool restore

api-types: ## Refresh the OpenAPI snapshot and the dashboard's generated API types
	@bash scripts/api-types.sh

demo-scan: ## With `make run` serving: send a scan as a demo patient and wait until it is processed
	@bash scripts/send-demo-scan.sh

dashboard: ## Build the dashboard (Next.js static export) into the API's wwwroot
	@bash scripts/dashboard.sh build

patient-app: ## Export the patient app (Expo) for the web into the API's wwwroot/app (after `make dashboard`)
	@bash scripts/patient-app.sh build

migrate: services build ## Apply database migrations
	$(ENV) && $(RUN_API) migrate

seed: migrate ## Seed demo data (prints demo logins)
	$(ENV) && $(RUN_API) seed

run: services tools dashboard patient-app build ## Migrate, seed and run the API, dashboard and patient app (/app/) on 127.0.0.1:5080 (foreground)
	$(ENV) && $(RUN_API) migrate
	$(ENV) && $(RUN_API) seed
	@# A small ML.NET model from the demo practice's tagged scans (once), so its ready scans get suggestions.
	$(ENV) && $(RUN_API) train-demo-model
	@# The pid file lets `make stop` end a run started in another terminal.
	$(ENV) && export ASPNETCORE_ENVIRONMENT=Development && echo $$$$ > .local/api.pid && \
	  exec $(RUN_API) --urls $(API_URL)

# All suites run in scripts/test.sh, which prints "N passed, N failed" last. New suites (vitest,
# Playwright, ...) are added there at the TEST_SUITES marker, not here.
test: ## Start services, build, run all test suites, print "N passed, N failed"
	@bash scripts/test.sh

infra-check: ## Parse and policy-check infra/ (Terraform, Dockerfile, workflows)
	@bash scripts/infra-check.sh

# The large tenant mix (200 practices, 100,000 patients, 1,000,000 sessions, about 5,000,000 images, tag sets, messages)
# bulk-loaded into its own database, then the realistic mix (doctors, staff and patients of 16 practices, 32 at once) and
# the review feed against its bare twin (median and spread of 5 runs); about 10 minutes. Knobs (environment): USERS,
# DURATION, PRACTICES_USED, FEED_REPEAT, KEEP_DB / REUSE_DB, SMOKE=1 (a few seconds, as make test runs it); see the top
# of tests/load/run-load.sh. Results in .local/load/ (report.md, feed.log); docs/performance.md, "Realistic mix".
load: services build ## The realistic load mix and the feed benchmark on the large data set; prints the tables and a verdict
	@bash tests/load/run-load.sh

# Every scenario in turn (each prints its own "chaos <name>: PASS/FAIL" line); fails if any failed or could not run.
# kill-api knobs (environment): PATIENTS (100), SPREAD seconds their scans arrive over (120), KILL_MIN/KILL_MAX seconds (10/30), KILL_TARGETS, PORT (5097),
# SETTLE_TIMEOUT, RESULTS (.local/chaos-results); see the top of tests/chaos/kill-api.sh.
# Smoke: make chaos PATIENTS=10 SPREAD=15 KILL_MIN=3 KILL_MAX=6
# redis-outage / postgres-outage knobs: BEFORE/OUTAGE/AFTER seconds, REDIS_PORT (56399), PG_PORT (55499); their own
# PORT defaults (5197, 5297) and results under RESULTS/<name>; see the top of each script.
# notify-outage knobs: BEFORE/OUTAGE/AFTER (10/60/20), SETTLE (150), GRACE (5), EVERY_MS (1000), FAULT (mixed|503|refuse),
# PORT (5397), FAKES_PORT (PORT+2); see the top of tests/chaos/notify-outage.sh.
# Smoke: BEFORE=2 OUTAGE=5 AFTER=3 bash tests/chaos/notify-outage.sh
CHAOS_SCENARIOS := kill-api redis-outage postgres-outage notify-outage
chaos: services build ## Fault scenarios under load (kill -9; Redis, PostgreSQL, notification provider outages); prints a verdict each
	@rc=0; summary=""; \
	for s in $(CHAOS_SCENARIOS); do \
	  echo "=== make chaos: $$s"; \
	  r=0; bash tests/chaos/$$s.sh || r=$$?; [ $$r = 0 ] || rc=1; \
	  summary="$$summary  $$s: $$([ $$r = 0 ] && echo PASS || echo "FAIL (exit $$r)")\n"; \
	done; \
	printf "=== make chaos summary\n$$summary"; exit $$rc
