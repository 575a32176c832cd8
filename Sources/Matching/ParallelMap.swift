import Foundation

extension Array {
    /// `map` spread over the available cores once the array is large enough to pay for it;
    /// the result order is the input order.
    func concurrentMap<T>(minimumCount: Int = 32, _ transform: (Element) -> T) -> [T] {
        guard count >= minimumCount else { return map(transform) }
        var out = [T?](repeating: nil, count: count)
        out.withUnsafeMutableBufferPointer { buf in
            let base = buf.baseAddress!
            withoutActuallyEscaping(transform) { f in
                DispatchQueue.concurrentPerform(iterations: count) { base[$0] = f(self[$0]) }
            }
        }
        return out.map { $0! }
    }
}
