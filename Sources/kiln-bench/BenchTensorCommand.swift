import ArgumentParser
import Dispatch
import Foundation
import Tensor

/// `kiln-bench tensor`: BLAS GEMM throughput and CHGNet-shaped Tensor kernels.
struct BenchTensorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensor",
        abstract: "Time sgemm/dgemm at CHGNet and large shapes and a message-passing block (forward + backward).")

    @Flag(help: "Leave glibc's allocator settings alone (large tensors are mmapped and unmapped each time).")
    var systemAllocator = false

    @Option(help: "Minimum seconds spent timing each case.")
    var seconds: Double = 0.5

    func validate() throws {
        guard seconds > 0, seconds <= 60 else { throw ValidationError("--seconds must be in (0, 60]") }
    }

    func run() throws {
        Machine.printHeader()
        if !systemAllocator { MemoryTuning.retainLargeAllocations() }
        let env = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset"
        print("OpenBLAS core: \(BLASRuntime.coreName) (OPENBLAS_CORETYPE=\(env), recommended "
              + "\(BLASRuntime.recommendedCoreType() ?? "none")); Tensor splits GEMMs over "
              + "\(ProcessInfo.processInfo.activeProcessorCount) cores, OpenBLAS single-threaded")
        print(BLASRuntime.configuration)
        if !BLASRuntime.isFastKernel {
            print("note: not the recommended kernel (\(BLASRuntime.recommendedCoreType() ?? "none")); "
                  + "KILN_OPENBLAS_CORETYPE chose this one")
        }
        print("")
        print("GEMM                      dtype    ms/call   GFLOP/s   CPU ms/call")
        let shapes: [(String, Int, Int, Int)] = [
            ("CHGNet linear", 1_000, 64, 64), ("CHGNet linear", 10_000, 64, 64), ("CHGNet linear", 50_000, 64, 64),
            ("CHGNet concat", 50_000, 192, 64), ("square", 512, 512, 512), ("square", 2048, 2048, 2048),
        ]
        for (label, m, k, n) in shapes {
            for dtype in [DType.float32, .float64] where dtype == .float32 || m == 2048 {
                let a = Tensor.full(0.5, shape: [m, k], dtype: dtype)
                let b = Tensor.full(0.25, shape: [k, n], dtype: dtype)
                let (t, cpu) = time { _ = a.matmul(b) }
                let gflops = 2 * Double(m) * Double(k) * Double(n) / t / 1e9
                let name = "\(label) \(m)x\(k)x\(n)".padding(toLength: 26, withPad: " ", startingAt: 0)
                print(name + "\(dtype)".padding(toLength: 9, withPad: " ", startingAt: 0)
                      + String(format: "%7.3f   %7.1f   %9.3f", t * 1e3, gflops, cpu * 1e3))
            }
        }
        print("")
        messagePassingBlock(atoms: 2_000, edges: 50_000, opTable: true)
        messagePassingBlock(atoms: 100, edges: 3_000, opTable: false)
    }

    /// Wall and process-CPU seconds per call of `body`: the smallest of each over single
    /// calls within the time budget (minima are the most stable statistics on a shared,
    /// loaded machine; CPU time sums both cores, so it also shows how well work splits).
    func time(_ body: () -> Void) -> (wall: Double, cpu: Double) {
        body()
        var best = (wall: Double.infinity, cpu: Double.infinity)
        var spent = 0.0
        var calls = 0
        while spent < seconds || calls < 3 {
            let (start, cpuStart) = (Timing.wallSeconds(), Timing.cpuSeconds())
            body()
            let elapsed = Timing.wallSeconds() - start
            best = (min(best.wall, elapsed), min(best.cpu, Timing.cpuSeconds() - cpuStart))
            spent += elapsed
            calls += 1
        }
        return best
    }

    /// A CHGNet-style gated message-passing layer over `edges` bonds, width 64, float32:
    /// forward, and forward + gradient with respect to atom features.
    func messagePassingBlock(atoms: Int, edges: Int, opTable: Bool) {
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let d = 64
        func tensor(_ shape: [Int]) -> Tensor {
            Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(next() - 0.5) })
        }
        let src = (0..<edges).map { _ in Int(next() * Double(atoms)) }
        let dst = (0..<edges).map { _ in Int(next() * Double(atoms)) }
        let h0 = tensor([atoms, d]), bond = tensor([edges, d])
        let wCore = tensor([d, 3 * d]), wGate = tensor([d, 3 * d]), bias = tensor([d])
        let gamma = tensor([d]), beta = tensor([d]), wOut = tensor([d, d])
        func layer(_ h: Tensor) -> Tensor {
            let x = Tensor.concat([h.gather(rows: src), h.gather(rows: dst), bond], axis: 1)
            let core = x.linear(weight: wCore, bias: bias).layerNorm(gamma: gamma, beta: beta).silu()
            let gate = x.linear(weight: wGate, bias: bias).layerNorm(gamma: gamma, beta: beta).sigmoid()
            return h + (core * gate).linear(weight: wOut).scatterAdd(rows: dst, count: atoms)
        }
        let x = Tensor.concat([h0.gather(rows: src), h0.gather(rows: dst), bond], axis: 1)
        let z = x.linear(weight: wCore, bias: bias)
        let ops: [(String, () -> Void)] = [
            ("gather [\(atoms),\(d)] -> [\(edges),\(d)]", { _ = h0.gather(rows: src) }),
            ("concat 3 x [\(edges),\(d)]", { _ = Tensor.concat([bond, bond, bond], axis: 1) }),
            ("linear [\(edges),\(3 * d)] -> \(d)", { _ = x.linear(weight: wCore, bias: bias) }),
            ("layerNorm [\(edges),\(d)]", { _ = z.layerNorm(gamma: gamma, beta: beta) }),
            ("silu [\(edges),\(d)]", { _ = z.silu() }),
            ("sigmoid [\(edges),\(d)]", { _ = z.sigmoid() }),
            ("mul [\(edges),\(d)]", { _ = z * bond }),
            ("add row vector [\(edges),\(d)]", { _ = z + bias }),
            ("scatterAdd -> [\(atoms),\(d)]", { _ = z.scatterAdd(rows: dst, count: atoms) }),
        ]
        if opTable { print("Ops at CHGNet edge shapes (float32)      wall ms    CPU ms") }
        for (name, body) in ops where opTable {
            let (wall, cpu) = time(body)
            print("  " + name.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "%9.2f %9.2f", wall * 1e3, cpu * 1e3))
        }
        let forward = time { _ = layer(h0).sum() }
        let backward = time {
            let tape = Tape()
            let h = tape.watch(h0)
            _ = tape.gradients(of: layer(h).sum(), wrt: [h])
        }
        print("Gated message passing, \(atoms) atoms, \(edges) edges, width \(d) (float32):")
        print(String(format: "  forward %.2f ms (CPU %.2f ms), forward + gradient %.2f ms (CPU %.2f ms)",
                     forward.wall * 1e3, forward.cpu * 1e3, backward.wall * 1e3, backward.cpu * 1e3))
    }
}
