extension Collection where Element == Double {
    /// The median (the mean of the two middle values for an even count); nil when empty.
    public var median: Double? {
        let s = sorted()
        guard !s.isEmpty else { return nil }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
