import Crystal
import Generation

/// The episodes of the RL composition agents: a composition is built in `steps` steps, each adding
/// 1…`maxAmount` atoms of one element. Actions that could no longer end inside one of the target's
/// systems within `maxAtoms` atoms are masked, so every finished episode is a composition with
/// exactly the elements of one system and at most `maxAtoms` atoms.
public struct CompositionEnvironment: Sendable {
    /// A partial composition: atom counts per element of `elements`, and the steps taken.
    public struct State: Sendable, Hashable {
        public var counts: [Int]
        public var step: Int
    }

    /// Every element of the target's systems, in atomic-number order.
    public let elements: [Element]
    /// The systems as bit sets over `elements`.
    private let systems: [UInt64]
    public let steps: Int
    public let maxAmount: Int
    public let maxAtoms: Int

    /// Throws `GenerationError.invalidTarget` naming the parameter when no episode can finish.
    public init(target: GenerationTarget, steps: Int, maxAmount: Int) throws {
        elements = Array(Set(target.systems.joined())).sorted { $0.z < $1.z }
        guard elements.count <= 64 else {
            throw GenerationError.invalidTarget("rl_composition: the target has \(elements.count) elements, more than 64")
        }
        let index = Dictionary(uniqueKeysWithValues: elements.enumerated().map { ($1, $0) })
        systems = target.systems.map { $0.reduce(UInt64(0)) { $0 | 1 << UInt64(index[$1]!) } }
        let smallest = target.systems.map(\.count).min()!
        guard steps >= smallest else {
            throw GenerationError.invalidTarget("rl_composition: parameter 'steps' (\(steps)) must be at least the size of the smallest system (\(smallest))")
        }
        guard steps <= target.maxAtoms else {
            throw GenerationError.invalidTarget("rl_composition: parameter 'steps' (\(steps)) must not exceed maxAtoms (\(target.maxAtoms)): each step adds an atom")
        }
        guard (1...Self.maxAmountLimit).contains(maxAmount) else {
            throw GenerationError.invalidTarget("rl_composition: parameter 'max_amount' must be in 1…\(Self.maxAmountLimit), got \(maxAmount)")
        }
        self.steps = steps
        self.maxAmount = maxAmount
        maxAtoms = target.maxAtoms
    }

    /// Largest amount one step may add.
    public static let maxAmountLimit = 20

    public var initial: State { State(counts: [Int](repeating: 0, count: elements.count), step: 0) }
    public var actionCount: Int { elements.count * maxAmount }

    /// The element index and amount of an action.
    public func action(_ a: Int) -> (element: Int, amount: Int) { (a / maxAmount, a % maxAmount + 1) }

    public func isTerminal(_ s: State) -> Bool { s.step == steps }

    public func apply(_ a: Int, to s: State) -> State {
        var next = s
        let (e, n) = action(a)
        next.counts[e] += n
        next.step += 1
        return next
    }

    /// Which actions keep the episode able to finish inside a system within `maxAtoms` atoms.
    public func mask(_ s: State) -> [Bool] {
        let present = s.counts.indices.reduce(UInt64(0)) { s.counts[$1] > 0 ? $0 | 1 << UInt64($1) : $0 }
        let total = s.counts.reduce(0, +), left = steps - s.step - 1
        var out = [Bool](repeating: false, count: actionCount)
        guard left >= 0 else { return out }
        for e in elements.indices {
            let set = present | 1 << UInt64(e)
            let missing = systems.lazy.filter { $0 & set == set }.map { ($0 & ~set).nonzeroBitCount }.min()
            guard let missing, missing <= left else { continue }
            for n in 1...maxAmount where total + n + left <= maxAtoms { out[e * maxAmount + n - 1] = true }
        }
        return out
    }

    /// The network input: counts as fractions of `maxAtoms`, then the step one-hot.
    func features(_ s: State) -> [Double] {
        var x = s.counts.map { Double($0) / Double(maxAtoms) }
        x += (0..<steps).map { $0 == s.step ? 1 : 0 }
        return x
    }

    var featureCount: Int { elements.count + steps }

    public func composition(_ s: State) -> Composition {
        Composition(zip(elements, s.counts).filter { $0.1 > 0 }.map { ($0.0, Double($0.1)) })
    }

    /// Every distinct reduced composition a finished episode can reach (by reduced formula, in
    /// formula order): the space random composition sampling draws from.
    public func reachableCompositions() -> [Composition] {
        var seen = Set<State>(), found: [String: Composition] = [:]
        func visit(_ s: State) {
            guard seen.insert(s).inserted else { return }
            if isTerminal(s) {
                let c = composition(s)
                found[c.reducedFormula] = c.reduced
                return
            }
            for (a, ok) in mask(s).enumerated() where ok { visit(apply(a, to: s)) }
        }
        visit(initial)
        return found.keys.sorted().map { found[$0]! }
    }
}
