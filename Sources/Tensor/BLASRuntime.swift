import COpenBLAS
import Foundation

/// OpenBLAS runtime facts and the fix for its CPU misdetection.
///
/// OpenBLAS 0.3.21 (Debian) does not recognise recent AMD/Intel CPUs and falls back
/// to generic kernels several times slower. The kernel is chosen when the library
/// loads, so the only remedy is `OPENBLAS_CORETYPE` in the environment of a fresh
/// process: `ensureFastKernel(argv:)` re-executes the program with it set.
public enum BLASRuntime {
    /// The name of the kernel family OpenBLAS selected (e.g. "SkylakeX", "Haswell").
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build configuration string.
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// Threads OpenBLAS uses for one call.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }

    /// The best `OPENBLAS_CORETYPE` for this CPU from its instruction-set flags:
    /// "SkylakeX" with AVX-512 (F, DQ, BW, VL), "Haswell" with AVX2 and FMA, else nil.
    public static func recommendedCoreType(cpuFlags: Set<String>? = nil) -> String? {
        guard let flags = cpuFlags ?? cpuFlagsFromProc() else { return nil }
        if flags.isSuperset(of: ["avx512f", "avx512dq", "avx512bw", "avx512vl"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// Whether the running kernel is the recommended one (true when nothing is recommended).
    public static var isFastKernel: Bool {
        guard let wanted = recommendedCoreType() else { return true }
        return coreName.caseInsensitiveCompare(wanted) == .orderedSame
    }

    /// Re-executes the current program with `OPENBLAS_CORETYPE` set to the kernel Kiln wants —
    /// `KILN_OPENBLAS_CORETYPE` when given, else the recommended one — when OpenBLAS is running a
    /// different kernel (misdetected, or a slower type forced by the environment). Call it first
    /// thing in `main`. Restarts at most once; returns normally when no restart is needed or
    /// `execv` fails (the program then runs on the current kernel).
    public static func ensureFastKernel(argv: [String] = CommandLine.arguments) {
        let env = ProcessInfo.processInfo.environment
        guard env["KILN_BLAS_RESTARTED"] == nil,
            let wanted = env["KILN_OPENBLAS_CORETYPE"] ?? recommendedCoreType(),
            coreName.caseInsensitiveCompare(wanted) != .orderedSame
        else { return }
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        setenv("KILN_BLAS_RESTARTED", "1", 1)
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArgs.append(nil)
        execv("/proc/self/exe", &cArgs)
        // execv only returns on failure: carry on with the current kernel.
        for p in cArgs { free(p) }
    }

    private static func cpuFlagsFromProc() -> Set<String>? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
            let colon = line.firstIndex(of: ":")
        else { return nil }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
