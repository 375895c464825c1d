# soisua: `make demo` installs what is missing and serves the demo organisation on http://127.0.0.1:8000/
# (another port: `make demo PORT=8001`); `make test` runs everything CI runs. Both are safe to run again.

PORT ?= 8000
# Links printed by load_demo and sent in e-mails point at the port served, unless SITE_URL is set.
SITE_URL ?= http://127.0.0.1:$(PORT)
PYTHON := .venv/bin/python
MANAGE := $(PYTHON) manage.py
CATALOGUES := $(wildcard soisua/locale/*/LC_MESSAGES/django.po)
COMPILED := $(CATALOGUES:.po=.mo)

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: demo test bench lint bootstrap messages

demo:
	bash scripts/bootstrap.sh demo
	$(MAKE) --no-print-directory messages
	mkdir -p var
	$(MANAGE) migrate --no-input
	SITE_URL='$(SITE_URL)' $(MANAGE) load_demo
	SITE_URL='$(SITE_URL)' $(MANAGE) runserver 127.0.0.1:$(PORT)

test:
	bash scripts/test.sh

bench:
	@if [ -x bench/run.sh ] || [ -f bench/run.sh ]; then bash bench/run.sh; else echo "no bench/run.sh yet"; fi

lint:
	bash scripts/bootstrap.sh demo
	.venv/bin/ruff check .

bootstrap:
	bash scripts/bootstrap.sh test

# Compiled catalogues are rebuilt only when a .po is newer than its .mo.
messages: $(COMPILED)

soisua/locale/%/LC_MESSAGES/django.mo: soisua/locale/%/LC_MESSAGES/django.po
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules
