# rangewall - the two CPython memory investigations (seeds 000 and 003),
# reproduced under Valgrind with one command.  `make help` lists targets.
#
# Knobs (make VAR=value ...); the benchmarks, their sizes and which tool
# runs which by default are rows of benchmarks.txt:
#   BENCH=     benchmarks to run (default: each tool's column of
#              benchmarks.txt); py-* take @PYTHON or @ROLE (py-range@3.11,
#              py-range@release)
#   N=         size: what the row's `unit` counts (default: its `n`, the
#              seeds' sizes)
#   CHUNK=     bytes per write, for the benchmarks whose args use it
#              (c-accu, py-stringio*; default: the row's `chunk`)
#   ANNOTATE=  yes|no: report c-intlist's ints as heap blocks (default:
#              yes for massif and memcheck, no elsewhere)
#   PY=        the Pythons that py-* without @ run on, as scripts/setup/pythons
#              lists them (3.11d 3.11 2.7 ...), "default" (the seeds'
#              roles: debug, release, py2, newest) or "all"; PYTHONS= too
#   MODE=      annotate|malloc|pymalloc: the runner's allocator (default
#              per tool: annotate for massif and memcheck, malloc for
#              dhat, pymalloc elsewhere)
#   MEASURE=   snippet|all: what Callgrind counts of a py-* run (default
#              snippet; all adds start-up and finalisation as parts, in
#              results of their own: callgrind-all/)
#   DHAT_MODE= heap|copy|ad-hoc: DHAT's mode (default heap; copy: the bytes
#              that memcpy and its kin copy, in dhat-copy/; ad-hoc: each
#              block pymalloc serves, in dhat-adhoc/)
#   PYFRAMES=  yes|no: each Python function a frame of its own in the
#              profiles, named py:NAME (FILE:LINE) (default no)
#   SNIPPET=   your own Python file, run as BENCH=py-snippet@PY
#   RESULTS=   results folder (default: results)
#   A=, B=     make compare: two result folders, or @TAG @TAG (two Pythons
#              in RESULTS); LIMIT='Ir:+1% heap:+5%' makes it exit 1 past
#              them; OUT= its folder (default compare); BASELINE= the
#              folder make baseline saves RESULTS in (default baseline)
#   PREFIX=    where make install puts the rangewall command (default
#              /usr/local; DESTDIR= stages it)
#   V=1        show the build's commands
#   CC, CFLAGS, LDFLAGS  yours: the project's own flags are added to them
#   VALGRIND, GNUPLOT, LTRACE, STRACE, PYTHON3  the tools' commands

.DELETE_ON_ERROR:
.DEFAULT_GOAL := all

CC ?= cc
CFLAGS ?=
LDFLAGS ?=
VALGRIND ?= valgrind
GNUPLOT ?= gnuplot
LTRACE ?= ltrace
STRACE ?= strace
PYTHON3 ?= /usr/bin/python3
RESULTS ?= results
BASELINE ?= baseline
OUT ?= compare
PY ?= $(PYTHONS)
PREFIX ?= /usr/local
BUILD := build

# The project's flags.  -g always: the tools need line numbers.
RW_CFLAGS := -g -std=gnu11 -Wall -Wextra -Ic
RW_ALL_CFLAGS = $(RW_CFLAGS) $(RW_OPT) $(CFLAGS)

# The native benchmarks: benchmarks.txt's rows whose program is in c/, one
# "name|source|cflags|n|n_max|chunk" word each.
RW_TABLE := benchmarks.txt
RW_C_ROWS := $(shell awk '!/^\#/ && $$2 ~ /^c\// { print $$1 "|" $$2 "|" $$4 "|" $$6 "|" $$7 "|" $$8 }' $(RW_TABLE))
rw_col = $(word $(1),$(subst |, ,$(2)))
BENCHES := $(foreach r,$(RW_C_ROWS),$(call rw_col,1,$(r)))
BINS := $(addprefix $(BUILD)/,$(BENCHES))
TOOLS := ltrace strace timeline massif dhat callgrind memcheck walltime
# Variants of three tools, with results of their own: DHAT's copy and
# ad-hoc modes, Callgrind counting a Python's start-up and finalisation
# too, strace with glibc's tcache off (the seed's glibc had none).
VARIANTS := dhat-copy dhat-adhoc callgrind-all strace-notcache

ifeq ($(V),1)
QUIET_CC :=
else
QUIET_CC = @echo '   CC      $@';
endif

# --- input checks: bad knobs stop make with one line, exit 2 -----------------
shq = '$(subst ','\'',$(1))'
# (Once: the sub-make of `all` inherits checked knobs.)
ifeq ($(RW_BUILT),)
ifneq ($(filter all sweep $(TOOLS) $(VARIANTS),$(or $(MAKECMDGOALS),all)),)
RW_BAD := $(shell scripts/setup/check-args $(call shq,$(BENCH)) $(call shq,$(N)) \
	$(call shq,$(CHUNK)) $(call shq,$(ANNOTATE)) $(call shq,$(MODE)) \
	$(call shq,$(PY)) $(call shq,$(SNIPPET)) $(call shq,$(MEASURE)) \
	$(call shq,$(DHAT_MODE)) $(call shq,$(PYFRAMES)) 2>&1)
ifneq ($(RW_BAD),)
$(error $(RW_BAD))
endif
endif
endif

RW_DRIVER_ARGS = $(if $(N),-n $(N)) $(if $(CHUNK),-c $(CHUNK)) \
	$(if $(ANNOTATE),-a $(ANNOTATE)) $(if $(MODE),-m $(MODE)) \
	$(if $(MEASURE),-M $(MEASURE)) $(if $(DHAT_MODE),-d $(DHAT_MODE)) \
	$(if $(PY),-p $(call shq,$(PY))) -o $(RESULTS) $(BENCH)
RW_TOOL_ENV = SNIPPET=$(call shq,$(SNIPPET)) PYFRAMES=$(call shq,$(PYFRAMES)) VALGRIND=$(call shq,$(VALGRIND)) GNUPLOT=$(call shq,$(GNUPLOT)) \
	LTRACE=$(call shq,$(LTRACE)) STRACE=$(call shq,$(STRACE)) CC=$(call shq,$(CC)) \
	PYTHON3=$(call shq,$(PYTHON3))

# --- run --------------------------------------------------------------------
# The tools through a sub-make, so that make -j2 runs two at once (each
# writes its own RESULTS/BENCH/TOOL/ through its own temporary folder);
# walltime and the sweep time things, so they run afterwards, alone.
RW_ALL_TOOLS := ltrace strace strace-notcache timeline massif dhat dhat-copy callgrind callgrind-all
.PHONY: all
all: deps build
	@$(MAKE) --no-print-directory $(RW_ALL_TOOLS) RW_BUILT=1
	@$(RW_TOOL_ENV) MAKEFLAGS= scripts/walltime $(RW_DRIVER_ARGS)
	@$(if $(BENCH),,$(RW_TOOL_ENV) scripts/sweep $(if $(PY),-p $(call shq,$(PY))) -o $(RESULTS))
	@echo "rangewall: results in $(RESULTS)/ (see $(RESULTS)/README.md)"

# C benchmarks alone (make callgrind BENCH=c-range) need their binaries,
# not the runners, whose check is a third of the driver's own cost there
# (make bench, 1b); dhat's copy mode reads the binaries without client
# requests too.
comma := ,
RW_ONLY_C := $(if $(BENCH),$(if $(filter-out $(BENCHES),$(subst $(comma), ,$(BENCH))),,yes))
RW_NEEDS := $(if $(RW_ONLY_C),$(BINS) nvalgrind,build)

.PHONY: $(TOOLS) $(VARIANTS)
$(TOOLS): $(if $(RW_BUILT),,deps $(RW_NEEDS))
	@$(RW_TOOL_ENV) scripts/$@ $(RW_DRIVER_ARGS)
dhat-copy: $(if $(RW_BUILT),,deps build)
	@$(RW_TOOL_ENV) scripts/dhat $(RW_DRIVER_ARGS) -d copy
dhat-adhoc: $(if $(RW_BUILT),,deps build)
	@$(RW_TOOL_ENV) scripts/dhat $(RW_DRIVER_ARGS) -d ad-hoc
callgrind-all: $(if $(RW_BUILT),,deps build)
	@$(RW_TOOL_ENV) scripts/callgrind $(RW_DRIVER_ARGS) -M all
strace-notcache: $(if $(RW_BUILT),,deps build)
	@$(RW_TOOL_ENV) TCACHE=no scripts/strace $(RW_DRIVER_ARGS)

# --- report -----------------------------------------------------------------
# REPORT.md from the raw results alone; FINDINGS.md, the copy in docs/, from
# a seed-size run: make, then py-range on every other Python found (the
# per-element table and charts want them all).
.PHONY: report findings bench screenshots flame
report:
	@$(PYTHON3) scripts/post/report.py -r $(RESULTS)
# The flame graphs of every Callgrind, Massif and DHAT result in RESULTS,
# drawn again (each run draws its own): RESULTS/BENCH/TOOL/flame/.
flame:
	@$(PYTHON3) scripts/flame $(call shq,$(RESULTS))
# One run of its own, in FINDINGS_RESULTS (made in FINDINGS_RESULTS.tmp and
# put in place only when complete), so that FINDINGS.md is one run's.
FINDINGS_RESULTS ?= results-findings
findings: deps build
	@rm -rf $(call shq,$(FINDINGS_RESULTS)).tmp
	@$(MAKE) --no-print-directory all RW_BUILT=1 RESULTS=$(call shq,$(FINDINGS_RESULTS)).tmp
	@# ltrace at the seed's n for 2.7's int blocks (make's default is a tenth: minutes more)
	@if scripts/setup/pythons py2 >/dev/null 2>&1; then $(MAKE) --no-print-directory ltrace RW_BUILT=1 \
		RESULTS=$(call shq,$(FINDINGS_RESULTS)).tmp BENCH=py-range@py2 N=10000000; fi
	@extra=$$(scripts/setup/pythons all | awk '{ print $$1 }' | \
		grep -vxF "$$(scripts/setup/pythons default | awk '{ print $$1 }')" | sed 's/^/py-range@/'); \
	[ -z "$$extra" ] || $(MAKE) --no-print-directory callgrind massif RW_BUILT=1 \
		RESULTS=$(call shq,$(FINDINGS_RESULTS)).tmp BENCH="$$(echo $$extra)"
	@rm -rf $(call shq,$(FINDINGS_RESULTS)) && mv $(call shq,$(FINDINGS_RESULTS)).tmp $(call shq,$(FINDINGS_RESULTS))
	@$(PYTHON3) scripts/post/report.py -r $(call shq,$(FINDINGS_RESULTS)) -o docs/FINDINGS.md --images docs/findings

# Two runs compared per phase (scripts/compare): OUT/COMPARE.md,
# compare.tsv, compare.png; exit 1 past LIMIT.  A=baseline reads what
# make baseline saved.
.PHONY: compare baseline
compare:
	@scripts/compare $(if $(BENCH),-b $(call shq,$(BENCH))) $(if $(LIMIT),-l $(call shq,$(LIMIT))) \
		-o $(call shq,$(OUT)) -r $(call shq,$(RESULTS)) $(call shq,$(A)) $(call shq,$(B))
# A copy of RESULTS, put in BASELINE's place only once it is complete.
baseline:
	@[ -d $(call shq,$(RESULTS)) ] || { echo "baseline: no results in '$(RESULTS)' (run make first)" >&2; exit 2; }
	@rm -rf $(call shq,$(BASELINE)).tmp && cp -a $(call shq,$(RESULTS)) $(call shq,$(BASELINE)).tmp && \
		rm -rf $(call shq,$(BASELINE)) && mv $(call shq,$(BASELINE)).tmp $(call shq,$(BASELINE)) && \
		echo "baseline: $(RESULTS)/ saved in $(BASELINE)/; make compare A=$(BASELINE) B=$(RESULTS)"

# KCachegrind on py-range's Callgrind parts, under Xvfb: docs/images/.
# Then flame graphs in headless Chromium: Debian's docutils under
# callgrind, massif and dhat, one graph of each (scripts/maint/flame-shots).
screenshots: deps build
	@$(RW_TOOL_ENV) scripts/maint/screenshots $(if $(PY),-p $(call shq,$(PY)))
	@$(RW_TOOL_ENV) scripts/maint/flame-shots $(if $(PY),-p $(call shq,$(PY)))

# docs/TUTORIAL.md's commands run again, at their sizes, from a scratch
# folder (results/ untouched; about 12 minutes here): check compares what they
# print with the tutorial, update writes it (and the images) in.
.PHONY: tutorial-check tutorial-update
tutorial-check tutorial-update: deps build
	@$(RW_TOOL_ENV) scripts/maint/tutorial $(@:tutorial-%=%)

# What the suite costs (two full makes: ~20 minutes): RESULTS/BENCH.md.
bench: deps build
	@$(RW_TOOL_ENV) scripts/maint/bench -o $(RESULTS)

# The StringIO sweep times writes natively: N= writes, CHUNK=, PY=.
.PHONY: sweep
sweep: deps build
	@$(RW_TOOL_ENV) scripts/sweep $(if $(N),-n $(N)) $(if $(CHUNK),-c $(CHUNK)) \
		$(if $(PY),-p $(call shq,$(PY))) -o $(RESULTS)

# --- build ------------------------------------------------------------------
.PHONY: build cbuild runners build-deps
build: build-deps
	@$(MAKE) --no-print-directory cbuild runners nvalgrind
build-deps:
	@scripts/setup/deps build
cbuild: $(BINS)
	@:

# The embedded-CPython runner, once per Python found (scripts/setup/pythons), or
# for PYTHONS= only (tags, roles or a python-config's path).
runners:
	@CC=$(call shq,$(CC)) CFLAGS=$(call shq,$(CFLAGS)) LDFLAGS=$(call shq,$(LDFLAGS)) \
		RW_BUILD=$(call shq,$(abspath $(BUILD))) V=$(V) scripts/setup/build-runners $(PYTHONS)

# Each row's flags and defaults: its cflags, and its n, n_max and chunk
# as the program's RW_DEFAULT_N, RW_MAX_N and RW_DEFAULT_CHUNK.
$(foreach r,$(RW_C_ROWS),$(eval $$(BUILD)/$(call rw_col,1,$(r)): $(call rw_col,2,$(r)))\
	$(eval $$(BUILD)/$(call rw_col,1,$(r)): RW_OPT := $(call rw_col,3,$(r)) \
		-DRW_DEFAULT_N=$(call rw_col,4,$(r)) -DRW_MAX_N=$(call rw_col,5,$(r)) \
		$(if $(filter-out -,$(call rw_col,6,$(r))),-DRW_DEFAULT_CHUNK=$(call rw_col,6,$(r)))))

# Each binary keeps its compile line beside it, for the results' context.
$(BINS): c/rw.h c/cli.h Makefile $(RW_TABLE)
	@mkdir -p $(@D)
	$(QUIET_CC)$(CC) $(RW_ALL_CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS)
	@echo '$(CC) $(RW_ALL_CFLAGS) $(LDFLAGS)' >$@.flags

# Variants: the same sources without the client requests.
.PHONY: nvalgrind
nvalgrind:
	@$(MAKE) -s --no-print-directory BUILD=$(BUILD)/nvalgrind \
		CFLAGS='$(CFLAGS) -DNVALGRIND' cbuild

# --- dependencies -----------------------------------------------------------
.PHONY: deps test-deps
deps:
	@scripts/setup/deps run
test-deps:
	@scripts/setup/deps test

# --- test -------------------------------------------------------------------
# Two tiers: test, the fast one (small sizes, at most 5 minutes here), and
# test-full, which adds tests/full/ (real programs on every Python found).
.PHONY: test test-full
test: test-deps build
	@tests/run
test-full: build
	@scripts/setup/deps full
	@tests/run --full

# --- install ----------------------------------------------------------------
# The rangewall command, its drivers and the runners built here, in
# PREFIX/lib/rangewall (scripts/setup/install; every file listed in its MANIFEST).
.PHONY: install uninstall
install: build
	@scripts/setup/install $(call shq,$(abspath $(PREFIX)))
uninstall:
	@scripts/setup/install --uninstall $(call shq,$(abspath $(PREFIX)))

# --- clean ------------------------------------------------------------------
.PHONY: clean clean-results
clean:
	rm -rf $(BUILD)
clean-results:
	find $(RESULTS) -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +

# --- help -------------------------------------------------------------------
.PHONY: help
help:
	@echo 'Run (each target takes BENCH=, N=, CHUNK=, ANNOTATE=, PY=, MODE=, MEASURE=,'
	@echo '     DHAT_MODE=, PYFRAMES=yes, SNIPPET=, RESULTS=; PYTHONS= for the runners):'
	@echo '* all        - every tool on the benchmarks of benchmarks.txt, at the seeds'"'"' sizes'
	@echo '  massif     - heap timeline, peak, per-phase snapshots, PNG plot'
	@echo '  dhat       - heap block totals and lifetimes (dh_view.html)'
	@echo '  dhat-copy  - bytes copied by memcpy and its kin, per stack (DHAT --mode=copy)'
	@echo '  dhat-adhoc - every block pymalloc serves, per stack (DHAT --mode=ad-hoc)'
	@echo '  callgrind  - instructions per phase (KCachegrind, callgrind_annotate)'
	@echo '  callgrind-all - the same, a Python'"'"'s start-up and finalisation included'
	@echo '  ltrace     - library-call summary and malloc size histogram'
	@echo '  strace     - memory system calls (brk, mmap, munmap)'
	@echo '  strace-notcache - the same with glibc'"'"'s tcache off, as the seed'"'"'s glibc 2.23'
	@echo '  timeline   - malloc sizes and live heap over time, PNG plot'
	@echo '  memcheck   - errors and leaks (the suite checking itself)'
	@echo '  walltime   - wall time natively, best of 5, per phase'
	@echo '  sweep      - every StringIO write timed natively: the wall, plotted'
	@echo '               (N= writes, default 300,000; CHUNK=, default 1,000; PY=)'
	@echo 'Benchmarks (benchmarks.txt: BENCH=NAME; N counts the unit; py-* take @PYTHON):'
	@awk '!/^#/ && NF { about = $$0; for (i = 1; i <= 16; i++) sub(/^[^ ]+ +/, "", about); \
		printf "  %-21s %-7s n=%-11s %s\n", $$1, $$5, $$6, about }' $(RW_TABLE)
	@echo 'Report:'
	@echo '  report     - results/REPORT.md: every seed figure beside ours, plots'
	@echo '  findings   - make and py-range on every Python, in results-findings/'
	@echo '               (FINDINGS_RESULTS=), then docs/FINDINGS.md from that run'
	@echo '  bench      - results/BENCH.md: what the suite itself costs'
	@echo '  flame      - the flame graphs of every Callgrind, Massif and DHAT result again,'
	@echo '               in $$(RESULTS)/BENCH/TOOL/flame/ (each run draws its own)'
	@echo '  screenshots - KCachegrind on py-range and on csv_index.py --pyframes, and flame'
	@echo '               graphs of docutils in headless Chromium (docs/images/)'
	@echo '  tutorial-check - every command of docs/TUTORIAL.md and docs/GUIDE.md again: does it print'
	@echo '               what the tutorial shows?'
	@echo '  tutorial-update - the same, writing what they print into the tutorial'
	@echo 'Compare:'
	@echo '  compare    - A=DIR B=DIR (or A=@3.11 B=@3.12 BENCH=py-range): B against A'
	@echo '               per phase, in $$(OUT)/COMPARE.md (default compare/);'
	@echo "               LIMIT='Ir:+1% heap:+5%' fails past them (scripts/compare:"
	@echo '               exit 1; through make: 2, as any failed recipe)'
	@echo '  baseline   - save $$(RESULTS) as $$(BASELINE)/ (default baseline/), for'
	@echo '               make compare A=baseline B=results'
	@echo 'Build:'
	@echo '  build      - the benchmarks, their -DNVALGRIND twins and the runners,'
	@echo '               in $(BUILD)/ (V=1 shows commands)'
	@echo '  runners    - the embedded-CPython runner, once per Python found'
	@echo '  nvalgrind  - the same with -DNVALGRIND, in $(BUILD)/nvalgrind/'
	@echo '  deps       - install missing Debian packages (as root) or say how'
	@echo '  test-deps  - the same, for make test (bats, shellcheck, python3-venv)'
	@echo 'Install:'
	@echo '  install    - the rangewall command in $$(PREFIX)/bin (default /usr/local):'
	@echo '               rangewall massif app.py ARGS... in any project'
	@echo '  uninstall  - remove every file install put there'
	@echo 'Test:'
	@echo '  test       - the fast tier: the test suite at small sizes (ends "N passed,'
	@echo '               N failed, N skipped"; each file'"'"'s time before)'
	@echo '  test-full  - the fast tier and tests/full/: real programs on every Python'
	@echo 'Clean:'
	@echo '  clean      - remove $(BUILD)/'
	@echo '  clean-results - remove everything in $(RESULTS)/ but its README'
	@echo 'Examples:'
	@echo '  make callgrind BENCH=c-range'
	@echo '  make massif BENCH=c-intlist N=1000000 ANNOTATE=no'
	@echo '  make massif BENCH=py-range PY=3.11 MODE=pymalloc'
	@echo '  make callgrind BENCH=py-range@2.7 N=1000000'
