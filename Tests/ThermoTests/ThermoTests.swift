// Tests for the Thermo module.
