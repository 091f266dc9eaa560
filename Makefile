# The kit's commands. Every target creates or refreshes .venv when needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(PY) -m pytest
SUITES := tests/public tests/hidden
ASSIGNMENT ?=
FOR = $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT))

.PHONY: grade-all setup test test-grader test-distribution test-slurm grader-tests test-material demo student check policy mutants mutants-mechanical alternatives assignments bench handout autograder submission clean

$(VENV)/.installed: requirements.txt requirements-grading.txt requirements-instructor.txt
	@# system packages: bubblewrap isolates student code when grading (the grader refuses to grade unisolated);
	@# a headless browser checks in make test that grade-all's report.html draws its plots
	@missing=""; command -v bwrap >/dev/null || missing="bubblewrap"; \
	  command -v chromium-headless-shell >/dev/null || command -v chromium >/dev/null || missing="$$missing chromium-headless-shell"; \
	  if [ -n "$$missing" ]; then if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing $$missing (apt-get)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing system packages: $$missing (install them with your package manager)"; fi; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@# what students install (the handout ships it), what grading adds (the autograder), the instructor's tools
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-grading.txt -r requirements-instructor.txt
	@touch $@

setup: $(VENV)/.installed ## create or refresh the virtual environment (the three requirements files)

demo: setup ## grade the reference solutions and print a per-module summary (ASSIGNMENT=<name>: one assignment)
	$(PY) -m grader demo $(FOR)

test: setup ## everything CI checks: sync, policy, grader tests, suites, skeleton, mutants
	$(PY) -m grader check
	$(PY) -m grader policy solutions
	@# the grader's own tests mostly wait on subprocesses: they run in two streams beside the material's checks,
	@# which show their progress here; the grader tests' full output goes to build/test-grader*.log;
	@# the SLURM cluster (half a minute) takes the first stream that ends
	$(MAKE) --no-print-directory -j3 test-grader test-distribution test-material test-slurm

test-grader: setup ## the grader's own tests but the zips end to end; full output in build/test-grader.log
	@$(MAKE) --no-print-directory grader-tests LOG=build/test-grader.log TESTS="tests/grader --ignore=tests/grader/test_distribution.py --ignore=tests/grader/test_slurm.py"

test-distribution: setup ## the handout and autograder zips end to end; full output in build/test-distribution.log
	@$(MAKE) --no-print-directory grader-tests LOG=build/test-distribution.log TESTS=tests/grader/test_distribution.py

test-slurm: setup ## grade-all's SLURM job files on a one-node cluster started for it (root; apt-get installs slurm-wlm and munge where missing); output in build/test-slurm.log
	@$(MAKE) --no-print-directory grader-tests LOG=build/test-slurm.log TESTS=tests/grader/test_slurm.py

grader-tests:
	@mkdir -p build
	@echo "$(TESTS): running, log in $(LOG)"
	@CI=1 $(PYTEST) $(TESTS) -q -rfEs > $(LOG) 2>&1; rc=$$?; \
	  echo "$(LOG):"; grep -E "^(FAILED|ERROR|SKIPPED)|(passed|failed|error).* in " $(LOG); exit $$rc

test-material: setup ## suites on the solutions (all pass) and the skeleton (all fail), the alternatives, the mutants
	@# each test's duration on the solutions lets the mutant runner try the cheap tests first
	CI=1 $(PYTEST) $(SUITES) --impl solutions -q --durations-file build/durations.json
	CI=1 $(PYTEST) $(SUITES) --impl student --expect-fail -q --tb=no -rN
	CI=1 $(PY) -m grader mutants --alternatives
	CI=1 $(PY) -m grader mutants

student: setup ## regenerate student/ from solutions/
	$(PY) -m grader build student

check: setup ## fail when student/ is out of sync with solutions/
	$(PY) -m grader check

policy: setup ## report forbidden API uses in student/ (or POLICY_PATH=folder)
	$(PY) -m grader policy $(or $(POLICY_PATH),student)

mutants: setup ## grade every mutant and print the kill rate
	$(PY) -m grader mutants

mutants-mechanical: setup ## the standard mutation operators over solutions/: kill rate per module and every survivor (slow)
	CI=1 $(PY) -m grader mutants --mechanical

alternatives: setup ## grade the correct alternatives in tests/alternatives: each must get full marks
	CI=1 $(PY) -m grader mutants --alternatives

bench: setup ## CPU-s per grade of the solutions, grade-all's speed-up with 2 jobs, the public suite, numpy conv vs torch
	$(PY) -m grader bench

assignments: setup ## list the course's assignments (configs/course.yaml): files, tests, runs, points
	$(PY) -m grader assignments

grade-all: setup ## grade a class: SUBMISSIONS=<folder or Gradescope export> OUT=<folder> [JOBS=n] [ASSIGNMENT=<name>]
	$(PY) -m grader grade-all $(SUBMISSIONS) --out $(OUT) $(if $(JOBS),--jobs $(JOBS)) $(FOR)

handout: setup ## build dist/handout.zip for students (ASSIGNMENT=<name>: dist/<name>/handout.zip)
	$(PY) -m grader build handout $(FOR)

autograder: setup ## build dist/autograder.zip for Gradescope (ASSIGNMENT=<name>: dist/<name>/autograder.zip)
	$(PY) -m grader build autograder $(FOR)

submission: setup ## check student/ and build dist/submission.zip (ASSIGNMENT=<name>: that assignment's files)
	$(PY) -m grader build submission $(FOR)

clean:
	rm -rf build dist runs .hypothesis
