# Commune Ledger — the two commands a commune IT officer needs: make run, make test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HTMX_VERSION := 2.0.11
HTMX_SHA256 := d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717
HTMX := static/htmx.min.js
# axe-core checks the pages' accessibility in the browser tests only, so it
# lives beside them, not under static/ where the server would serve it.
AXE_VERSION := 4.14.1
AXE_SHA256 := 29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
AXE := tests/browser/vendor/axe.min.js
FLASK := $(BIN)/flask --app wsgi
BIND ?= 127.0.0.1:8000
WORKERS ?= 2

# The interface's catalogues: the .po sources are kept, the .mo files built here.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: run test bench deps test-deps translations messages clean

run: deps $(HTMX) translations
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	@echo "Sổ cái xã: http://$(BIND)"
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(BIND) --no-control-socket \
		--access-logfile - wsgi:app

# One test process per core; a test file's tests stay in one process, so a
# module's live server is started once.
test: test-deps $(HTMX) $(AXE) translations
	$(BIN)/pytest --numprocesses auto --dist loadfile

bench: deps
	$(BIN)/python -m bench.bench

deps: $(VENV)/.installed
test-deps: $(VENV)/.installed-test
translations: $(CATALOGUES)

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

# After wrapping new texts in _() or {% trans %}: collect them into every
# catalogue, then translate the new entries (a test refuses an empty one).
messages: | $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext -k _l -k Text -k NC_:1c,2 -k lazy_pgettext:1c,2 \
		--no-location \
		--sort-output -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations \
		--no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# The test-only packages (pytest, Playwright, Hypothesis…) come with `make test` alone.
$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

# htmx comes from the npm registry at a pinned version and is checked
# against a pinned SHA-256 before it is used.
$(HTMX): Makefile
	rm -rf .htmx-fetch && mkdir -p .htmx-fetch static
	cd .htmx-fetch && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null && tar xzf htmx.org-$(HTMX_VERSION).tgz
	echo "$(HTMX_SHA256)  .htmx-fetch/package/dist/htmx.min.js" | sha256sum --check --quiet
	cp .htmx-fetch/package/dist/htmx.min.js $@
	rm -rf .htmx-fetch

# axe-core, the same way: pinned version from the npm registry, pinned SHA-256.
$(AXE): Makefile
	rm -rf .axe-fetch && mkdir -p .axe-fetch $(dir $@)
	cd .axe-fetch && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar xzf axe-core-$(AXE_VERSION).tgz
	echo "$(AXE_SHA256)  .axe-fetch/package/axe.min.js" | sha256sum --check --quiet
	cp .axe-fetch/package/axe.min.js $@
	rm -rf .axe-fetch

clean:
	rm -rf $(VENV) $(HTMX) $(AXE) .pytest_cache $(CATALOGUES) translations/messages.pot
