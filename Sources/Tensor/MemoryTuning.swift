#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator settings for tensor-heavy programs.
public enum MemoryTuning {
    /// Serves all allocations from glibc's heap and keeps freed memory mapped, so
    /// repeatedly allocating multi-megabyte tensors (every op of a large graph) stops
    /// paying a fresh `mmap`, page faults and `munmap` each time. Costs resident
    /// memory: the peak working set stays mapped. Call once, early, from a program's
    /// entry point. Returns whether glibc accepted the settings (false off glibc).
    @discardableResult
    public static func retainLargeAllocations() -> Bool {
        #if canImport(Glibc)
        // mallopt is declared in <malloc.h>, which Swift's Glibc module does not export.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let mmapMax: Int32 = -4, trimThreshold: Int32 = -1  // M_MMAP_MAX, M_TRIM_THRESHOLD
        return mallopt(mmapMax, 0) == 1 && mallopt(trimThreshold, Int32.max) == 1
        #else
        return false
        #endif
    }
}
