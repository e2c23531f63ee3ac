# Two commands from a bare clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install bytecode browser java demo test bench lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,spark]'
	$(MAKE) --no-print-directory bytecode
	touch $(STAMP)

# Bytecode for the package, written even under PYTHONDONTWRITEBYTECODE (which only stops
# Python from writing it; it still reads it): without it every `heavylegs` command compiles
# its ~100 modules again, ~0.1 s of a cold `why`. A pip install of the wheel does the same.
bytecode:
	$(PY) -m compileall -q src/heavylegs >/dev/null

install: $(STAMP)

# The report test drives Debian's Chromium headless; install it when missing (needs root).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: chromium not installed and not root; the browser test will be skipped"; fi; }

demo: install
	$(VENV)/bin/heavylegs demo

# The Spark engine's tests need a Java runtime (17+); install Debian's when missing (needs root).
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else echo "note: java not installed and not root; the Spark tests will be skipped"; fi; }

test: install browser java
	$(PY) -m pytest -q src tests

bench: install bytecode
	$(PY) benchmarks/run.py

lint: install
	$(VENV)/bin/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
