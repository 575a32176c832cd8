# Kiln: the two entry points of the README.
SWIFT ?= swift

.PHONY: demo test build bootstrap

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build -c release --product kiln

## The main job on the embedded defaults: the bundled quickstart design campaign.
demo: build
	$$($(SWIFT) build -c release --show-bin-path)/kiln design Examples/quickstart.toml

## Every test suite; numeric suites run over all fixtures, so tests build in release mode.
test: bootstrap
	$(SWIFT) build -c release --build-tests -Xswiftc -enable-testing
	$(SWIFT) test -c release --skip-build -Xswiftc -enable-testing
