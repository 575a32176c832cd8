# Kiln: the two entry points of the README.
SWIFT ?= swift

.PHONY: demo test test-fast build bootstrap docs

## Debian's OpenBLAS misdetects recent CPUs and loads slow generic kernels; `kiln` re-executes itself
## with OPENBLAS_CORETYPE (Tensor/BLASRuntime.swift), the test runner is given it here: SkylakeX with
## AVX-512, Haswell with AVX2 and FMA, else OpenBLAS's own choice.
CPU_FLAGS := $(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
BLAS_CORE := $(if $(and $(findstring avx512f,$(CPU_FLAGS)),$(findstring avx512dq,$(CPU_FLAGS)),$(findstring avx512bw,$(CPU_FLAGS)),$(findstring avx512vl,$(CPU_FLAGS))),SkylakeX,$(if $(and $(findstring avx2,$(CPU_FLAGS)),$(findstring fma,$(CPU_FLAGS))),Haswell,))
TEST_ENV := $(if $(BLAS_CORE),OPENBLAS_CORETYPE=$(BLAS_CORE),)

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build -c release --product kiln
	@scripts/stamp_commit

## The main job on the embedded defaults: the bundled quickstart design campaign.
demo: build
	$$($(SWIFT) build -c release --show-bin-path)/kiln design Examples/quickstart.toml

## Every test suite; numeric suites run over all fixtures, so tests build in release mode.
test: bootstrap
	$(SWIFT) build -c release --build-tests -Xswiftc -enable-testing
	@scripts/stamp_commit
	$(TEST_ENV) $(SWIFT) test -c release --skip-build -Xswiftc -enable-testing

## The suites that run CHGNet over every fixture, relax, hull all of MP or run campaigns; test-fast skips them.
SLOW_SUITES = CHGNetFixtureTests|MDKillTests|ThermalRobustnessCHGNetTests|ThermalCampaignTests|PhononFixtureTests|PhononCampaignTests|DiffusionCampaignTests|TaskQueueTests|SlurmCampaignTests|PWRoundTripTests|ServerResumeTests|ShippedModelTests|SevenNetFixtureTests|MatcalcFixtureTests|ParetoCampaignTests|CHGNetRelaxFixtureTests|CHGNetTensorEngineTests|CHGNetGradientTests|HullLargeMPTests|DesignResumeTests|LoopResumeTests|VerdictAgreementTests|StabilityMarginTests|TargetCampaignTests

## A fast subset for every commit (about 40 s of tests on 2 cores once built; `make test` runs everything).
test-fast: bootstrap
	$(SWIFT) build -c release --build-tests -Xswiftc -enable-testing
	@scripts/stamp_commit
	$(TEST_ENV) $(SWIFT) test -c release --skip-build -Xswiftc -enable-testing --skip '$(SLOW_SUITES)'

## DocC archives of the documented modules (.build/docs).
docs:
	scripts/docs
