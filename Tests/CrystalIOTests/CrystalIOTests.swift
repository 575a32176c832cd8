// Tests for the CrystalIO module.
