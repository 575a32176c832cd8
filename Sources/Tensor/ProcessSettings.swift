/// Process-wide settings for programs that evaluate Tensor graphs or CHGNet, applied from the
/// program's entry point (`kiln`'s `main`, a test case's `setUp`); library code never changes them.
public enum ProcessSettings {
    /// OpenBLAS runs single-threaded: Tensor and CHGNet's fused pass split products over cores
    /// themselves, which on tall-skinny CHGNet shapes ([10⁴, 64]·[64, 64]) is several times
    /// faster than OpenBLAS's own threading, whose spinning threads would compete with theirs.
    /// glibc keeps freed memory mapped (`MemoryTuning.retainLargeAllocations`), so the buffers
    /// of one pass are reused by the next instead of page-faulting in again. The first call
    /// applies both; later calls do nothing.
    public static func applyForInference() { _ = applied }

    private static let applied: Void = {
        BLASRuntime.threadCount = 1
        MemoryTuning.retainLargeAllocations()
    }()
}
