// Tests for the Symmetry module.
