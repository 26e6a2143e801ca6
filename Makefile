# The two commands of the README. Everything else is detail.
.PHONY: tour test

# The main job: set up the kernel, run every tutorial headlessly, write the rendered results.
tour:
	./kernel/tour.sh

# All the tests: Rust unit/integration/doc tests, lints, the cuda build check, end-to-end tests.
test:
	./tests/run_all.sh
