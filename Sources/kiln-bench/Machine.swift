import ArgumentParser
import Foundation
import Potentials
import Tensor

/// The machine a benchmark ran on: CPU model and clock (from /proc/cpuinfo), core count, OS
/// kernel, the OpenBLAS kernel and the CHGNet row kernels in use. Every `kiln-bench` subcommand
/// prints it first.
struct Machine {
    var cpu: String
    /// Clock of the first core as /proc/cpuinfo reports it (MHz; nil where it is not reported).
    var clockMHz: Double?
    var cores: Int
    var kernel: String
    var openBLASCore: String
    /// AVX-512 F/DQ/BW/VL (64 float32 FLOP per cycle and core), AVX2 + FMA (32), or neither.
    var vectorISA: String

    static let current = Machine()

    private init() {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            for line in info.split(separator: "\n") where line.hasPrefix(name) {
                if let colon = line.firstIndex(of: ":") {
                    return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
        var uts = utsname()
        uname(&uts)
        let release = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let sysname = withUnsafeBytes(of: &uts.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        cpu = field("model name") ?? "unknown CPU"
        clockMHz = field("cpu MHz").flatMap(Double.init)
        family = field("cpu family").flatMap { Int($0) }
        model = field("model\t").flatMap { Int($0) }
        cores = ProcessInfo.processInfo.activeProcessorCount
        kernel = "\(sysname) \(release)"
        openBLASCore = BLASRuntime.coreName
        vectorISA = switch BLASRuntime.recommendedCoreType() {
        case "SkylakeX": "AVX-512"
        case "Haswell": "AVX2+FMA"
        default: "SSE"
        }
    }

    /// CPUID family and model (from /proc/cpuinfo).
    var family: Int?, model: Int?

    /// Float32 FLOP per cycle and core from two FMA pipes: 64 with AVX-512, 32 with AVX2,
    /// 16 on AMD Zen 1 (family 23, model < 0x30), whose AVX2 runs on 128-bit units, 8 otherwise.
    var flopsPerCycle: Double {
        switch vectorISA {
        case "AVX-512": 64
        case "AVX2+FMA": cpu.hasPrefix("AMD") && family == 23 && (model ?? 0) < 0x30 ? 16 : 32
        default: 8
        }
    }

    /// Peak float32 rate (GFLOP/s): cores × clock × `flopsPerCycle`; nil without a reported clock.
    var peakGflops: Double? { clockMHz.map { Double(cores) * $0 / 1000 * flopsPerCycle } }

    /// One line for the top of a benchmark's output.
    var header: String {
        let clock = clockMHz.map { String(format: "%.0f MHz", $0) } ?? "clock not reported"
        let id = family.map { f in "family \(f) model \(model ?? -1)" } ?? "family unknown"
        return "machine: \(cpu) (\(id)), \(clock), \(cores) cores, \(vectorISA), \(kernel), OpenBLAS core \(openBLASCore), "
            + "CHGNet row kernels \(RowKernels.current.rawValue)"
    }

    /// The same facts for `--json` output.
    var dictionary: [String: Any] {
        ["cpu": cpu, "clock_mhz": clockMHz.map { $0 as Any } ?? NSNull(), "cores": cores, "kernel": kernel,
         "openblas_core": openBLASCore, "vector_isa": vectorISA, "row_kernels": RowKernels.current.rawValue,
         "cpu_family": family.map { $0 as Any } ?? NSNull(), "cpu_model": model.map { $0 as Any } ?? NSNull(),
         "peak_gflops": peakGflops.map { $0 as Any } ?? NSNull()]
    }

    /// Prints `header` and a blank line.
    static func printHeader() {
        print(current.header)
        print("")
    }
}

/// `--kernels`: the CHGNet row kernels to time (default: AVX2 where the CPU has it).
struct RowKernelOption: ParsableArguments {
    @Option(help: "CHGNet row kernels: avx2 or baseline (default: avx2 where the CPU has it).")
    var kernels: RowKernels?

    /// Switches to the requested kernels; an error if the CPU cannot run them.
    func apply() throws {
        guard let kernels else { return }
        guard RowKernels.use(kernels) == kernels else { throw ValidationError("this CPU has no AVX2; use --kernels baseline") }
    }
}

extension RowKernels: ExpressibleByArgument {}
