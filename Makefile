# The README's two commands: `make run` and `make test`. Everything else is a helper of those.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
FLASK  := $(BIN)/flask --app wsgi

.PHONY: run test install lock translations extract-messages update-messages lint clean

# The venv gets the versions in requirements.lock (runtime + the dev extra, every file
# checked against its sha256), then this project itself, without resolving anything again
# (`make clean install` for a venv that holds nothing else). The lock is complete, so it is
# installed as it stands (--no-deps) and `pip check` then proves it consistent: a resolver pass
# would ask for extras a dependency names (weasyprint's fonttools[woff]), which the lock lists
# without them, and the pip of a new venv (23.2) then takes the newest release unhashed and stops.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements.lock
	$(BIN)/python -m pip check
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# Regenerate requirements.lock (pip-compile, from the index pip is configured with) after changing
# a dependency in pyproject.toml. The versions already locked are kept where they still fit;
# `make lock UPGRADE="flask rq"` moves those packages to their newest allowed versions,
# `make lock UPGRADE=all` every package. Commit the lock with the pyproject.toml change.
lock: $(STAMP)
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --extra dev --generate-hashes \
		--allow-unsafe --all-build-deps --strip-extras --no-emit-index-url --no-emit-find-links \
		$(if $(filter all,$(UPGRADE)),--upgrade,$(foreach p,$(UPGRADE),--upgrade-package $(p))) \
		-o requirements.lock pyproject.toml

# Compiled catalogs are build output (not committed): compile them from translations/*/LC_MESSAGES/messages.po.
# A catalog that does not parse, whose placeholders do not match the source, or whose header is
# marked fuzzy stops the build with the reason; fuzzy (unreviewed) messages are never compiled.
translations: $(STAMP)
	$(BIN)/python scripts/compile_translations.py translations

run: translations
	$(FLASK) db upgrade
	$(FLASK) demo
	$(FLASK) run --host 127.0.0.1 --port 5000

# The suite runs on embedded SQLite; when TEST_DATABASE_URL is set it runs a second time on that database.
# With CI=true a skipped test fails, except a PostgreSQL-only one in the SQLite pass when the
# PostgreSQL pass follows (TEST_POSTGRESQL_PASS_FOLLOWS tells the SQLite pass so; tests/skips.py).
test: translations chromium document-tools kannel
	$(BIN)/ruff check feedback_app tests bench scripts
	$(BIN)/mypy feedback_app
	env -u TEST_DATABASE_URL TEST_POSTGRESQL_PASS_FOLLOWS=$${TEST_DATABASE_URL:+1} $(BIN)/pytest -q
	if [ -n "$$TEST_DATABASE_URL" ]; then $(BIN)/pytest -q; fi

# Browser tests (tests/browser) drive Debian's chromium through Playwright; a browser is never
# downloaded. Install it when missing; without it (no root, no apt) those tests are skipped, saying
# why (and fail with CI=true).
.PHONY: chromium
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update && apt-get install -y chromium; } \
		|| echo "chromium could not be installed: the browser tests will be skipped (and fail with CI=true)"

# The report's PDF (WeasyPrint) needs the system's Pango and a font with every Vietnamese letter
# (DejaVu Serif); its tests read the PDF back with poppler's pdftotext. Installed when missing.
.PHONY: document-tools
document-tools:
	@{ command -v pdftotext >/dev/null 2>&1 && ldconfig -p | grep -q libpangoft2-1.0 \
		&& fc-list | grep -q DejaVuSerif; } \
		|| { apt-get update && apt-get install -y poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; } \
		|| echo "poppler-utils or Pango could not be installed: the PDF tests will be skipped (and fail with CI=true)"

# The Kannel tests (tests/system/test_kannel.py) start Debian's Kannel: bearerbox, smsbox and the
# fake SMSC of kannel-extras (/usr/lib/kannel/test/fakesmsc) as the carrier. Installed like chromium.
.PHONY: kannel
kannel:
	@{ test -x /usr/sbin/bearerbox && test -x /usr/sbin/smsbox && test -x /usr/lib/kannel/test/fakesmsc; } \
		|| { apt-get update && apt-get install -y kannel kannel-extras; } \
		|| echo "kannel could not be installed: the Kannel tests will be skipped (and fail with CI=true)"

lint: $(STAMP)
	$(BIN)/ruff check feedback_app tests bench scripts
	$(BIN)/mypy feedback_app

# pybabel workflow: extract -> update -> translate the .po files -> compile (make translations).
extract-messages: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-output --width 100 -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update --width 100 --ignore-obsolete -i translations/messages.pot -d translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache
