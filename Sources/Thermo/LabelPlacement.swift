import Foundation

/// Deterministic greedy placement of text labels beside their anchor points: each label, in the
/// order given (most important first), takes the first free spot on rings of growing radius around
/// its anchor, where free means inside `bounds` and clear of every marker and every label placed
/// before it. A label with no free spot within `maxRadius` is left unplaced.
public struct LabelPlacement: Sendable {
    /// An axis-aligned box in drawing units (y down).
    public struct Box: Sendable, Equatable {
        public var x, y, width, height: Double
        public init(x: Double, y: Double, width: Double, height: Double) {
            (self.x, self.y, self.width, self.height) = (x, y, width, height)
        }
        /// A square of half-width `r` around (`cx`, `cy`), e.g. a circular marker's bounds.
        public init(cx: Double, cy: Double, r: Double) { self.init(x: cx - r, y: cy - r, width: 2 * r, height: 2 * r) }
        public var midX: Double { x + width / 2 }
        public var midY: Double { y + height / 2 }
        /// True when the boxes share interior area (touching edges do not count).
        public func intersects(_ o: Box) -> Bool {
            x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height
        }
        public func contains(_ o: Box) -> Bool {
            o.x >= x && o.y >= y && o.x + o.width <= x + width && o.y + o.height <= y + height
        }
        /// The point of the box nearest to (`px`, `py`).
        public func nearestPoint(_ px: Double, _ py: Double) -> (Double, Double) {
            (min(max(px, x), x + width), min(max(py, y), y + height))
        }
    }

    /// A label to place: its anchor point, the clearance around the anchor (the marker's radius)
    /// and the label's size.
    public struct Label: Sendable, Equatable {
        public var x, y, clearance, width, height: Double
        public init(x: Double, y: Double, clearance: Double, width: Double, height: Double) {
            (self.x, self.y, self.clearance, self.width, self.height) = (x, y, clearance, width, height)
        }
    }

    /// Gap (drawing units) kept between a label and its own marker on the first ring.
    public var gap = 2.0
    /// Distance between successive rings.
    public var ringStep = 8.0
    /// Farthest a label may move from its anchor.
    public var maxRadius = 400.0

    public init() {}

    /// The box of each label, or nil where no free spot was found.
    public func place(_ labels: [Label], markers: [Box], bounds: Box) -> [Box?] {
        var placed: [Box] = []
        return labels.map { label in
            let box = firstFree(label) { box in
                bounds.contains(box) && !markers.contains(where: box.intersects) && !placed.contains(where: box.intersects)
            }
            if let box { placed.append(box) }
            return box
        }
    }

    /// The first candidate box `free` accepts, nearest first: the eight spots touching the marker,
    /// then rings of directions (16 or more on wide rings) at growing distance.
    func firstFree(_ l: Label, _ free: (Box) -> Bool) -> Box? {
        let (w, h) = (l.width, l.height)
        let d = l.clearance + gap
        let touching = [
            Box(x: l.x + d, y: l.y - h / 2, width: w, height: h),          // right
            Box(x: l.x - d - w, y: l.y - h / 2, width: w, height: h),      // left
            Box(x: l.x - w / 2, y: l.y - d - h, width: w, height: h),      // above
            Box(x: l.x - w / 2, y: l.y + d, width: w, height: h),          // below
            Box(x: l.x + d * 0.7, y: l.y - d * 0.7 - h, width: w, height: h),
            Box(x: l.x - d * 0.7 - w, y: l.y - d * 0.7 - h, width: w, height: h),
            Box(x: l.x + d * 0.7, y: l.y + d * 0.7, width: w, height: h),
            Box(x: l.x - d * 0.7 - w, y: l.y + d * 0.7, width: w, height: h),
        ]
        if let box = touching.first(where: free) { return box }
        var r = d + ringStep
        while r <= maxRadius {
            let n = max(16, Int(2 * Double.pi * r / ringStep))
            for k in 0..<n {
                let a = 2 * Double.pi * Double(k) / Double(n)
                // The box's centre on an ellipse widened by the label's own size.
                let cx = l.x + cos(a) * (r + w / 2), cy = l.y - sin(a) * (r + h / 2)
                let box = Box(x: cx - w / 2, y: cy - h / 2, width: w, height: h)
                if free(box) { return box }
            }
            r += ringStep
        }
        return nil
    }
}
