// Tests for the Tensor module.
