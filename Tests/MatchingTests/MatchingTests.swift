// Tests for the Matching module.
