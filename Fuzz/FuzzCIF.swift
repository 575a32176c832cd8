// libFuzzer entry for the CIF reader and writers (built by Fuzz/run.sh, not by SwiftPM).
import CrystalIO
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCIF(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let parsed = try? CIFReader().read(text, file: "fuzz.cif") else { return 0 }
    for entry in parsed {
        // Whatever was read must write and read back.
        let p1 = CIFWriter().string(entry.structure)
        guard let again = try? CIFReader().read(p1, file: "p1.cif"), again.count == 1 else {
            fatalError("P1 CIF written from a parsed structure does not read back:\n\(p1)")
        }
        if let symmetrized = try? CIFWriter().string(entry.structure, symmetryOperations: entry.symmetryOperations) {
            _ = try? CIFReader().read(symmetrized, file: "sym.cif")
        }
    }
    return 0
}
