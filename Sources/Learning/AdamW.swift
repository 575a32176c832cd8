import Foundation

/// Adam with decoupled weight decay (Kingma & Ba; Loshchilov & Hutter; PyTorch's `AdamW`) over one
/// flat parameter vector: every trained network in Kiln keeps its parameters in one array.
public struct AdamW<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    public var beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double
    /// Running first and second moments, one per parameter.
    public private(set) var firstMoment: [Scalar], secondMoment: [Scalar]
    /// Steps taken (bias correction).
    public private(set) var steps: Int

    public init(count: Int, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0) {
        self.init(firstMoment: [Scalar](repeating: 0, count: count), secondMoment: [Scalar](repeating: 0, count: count),
                  steps: 0, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
    }

    /// An optimiser resumed from saved moments and step count.
    public init(firstMoment: [Scalar], secondMoment: [Scalar], steps: Int,
                beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0) {
        precondition(firstMoment.count == secondMoment.count && steps >= 0, "AdamW: inconsistent state")
        (self.firstMoment, self.secondMoment, self.steps) = (firstMoment, secondMoment, steps)
        (self.beta1, self.beta2, self.epsilon, self.weightDecay) = (beta1, beta2, epsilon, weightDecay)
    }

    /// One step down `gradient`: decay `parameters` by `learningRate·weightDecay`, then the Adam update.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func step(_ parameters: inout [Scalar], gradient: [Scalar], learningRate: Double) {
        precondition(parameters.count == firstMoment.count && gradient.count == firstMoment.count,
                     "AdamW: \(parameters.count) parameters, \(gradient.count) gradients, state for \(firstMoment.count)")
        steps += 1
        let c1 = 1 - pow(beta1, Double(steps)), c2 = 1 - pow(beta2, Double(steps))
        let (b1, b2, eps, lr) = (Scalar(beta1), Scalar(beta2), Scalar(epsilon), Scalar(learningRate))
        let (sc1, sc2) = (Scalar(c1), Scalar(c2))
        let decay = Scalar(1 - learningRate * weightDecay)
        for k in parameters.indices {
            if weightDecay != 0 { parameters[k] *= decay }
            firstMoment[k] = b1 * firstMoment[k] + (1 - b1) * gradient[k]
            secondMoment[k] = b2 * secondMoment[k] + (1 - b2) * gradient[k] * gradient[k]
            parameters[k] -= lr * (firstMoment[k] / sc1) / ((secondMoment[k] / sc2).squareRoot() + eps)
        }
    }

    /// Scales `gradient` down so its Euclidean norm is at most `maxNorm` (PyTorch's
    /// `clip_grad_norm_`); returns the norm before clipping.
    @discardableResult
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func clip(_ gradient: inout [Scalar], maxNorm: Double) -> Double {
        let norm = gradient.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        if norm > maxNorm {
            let s = Scalar(maxNorm / (norm + 1e-6))
            for k in gradient.indices { gradient[k] *= s }
        }
        return norm
    }
}

/// An exponential moving average of parameters (`ema ← decay·ema + (1 − decay)·p`), the weights a
/// trained generator samples with.
public struct ParameterAverage<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    public let decay: Double
    public private(set) var values: [Scalar]

    public init(_ values: [Scalar], decay: Double) {
        precondition(decay >= 0 && decay < 1, "ParameterAverage: decay must lie in [0, 1)")
        (self.values, self.decay) = (values, decay)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func update(_ parameters: [Scalar]) {
        precondition(parameters.count == values.count, "ParameterAverage: \(parameters.count) parameters for \(values.count)")
        let (d, e) = (Scalar(decay), Scalar(1 - decay))
        for k in values.indices { values[k] = d * values[k] + e * parameters[k] }
    }
}
