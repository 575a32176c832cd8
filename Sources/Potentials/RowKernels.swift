import CKilnKernels

/// The instruction set the CHGNet row kernels run with: AVX2 where the CPU has it, else baseline
/// x86-64. Both give bit-identical results; only the speed differs.
public enum RowKernels: String, CaseIterable, Sendable {
    case baseline, avx2

    /// The variant in use.
    public static var current: RowKernels { kiln_kernels_variant() == 1 ? .avx2 : .baseline }

    /// Uses `variant` from now on (for benchmarks and tests; not thread-safe against running
    /// passes); returns the variant in use, baseline if the CPU lacks AVX2.
    @discardableResult public static func use(_ variant: RowKernels) -> RowKernels {
        kiln_kernels_set_variant(variant == .avx2 ? 1 : 0) == 1 ? .avx2 : .baseline
    }
}
