/// A JSON number exactly as written: conversion is left to the reader of the value, so an
/// integer id beyond 2^53 is not rounded through `Double` and a coordinate is parsed once,
/// correctly rounded, as the type that needs it.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number's text (valid JSON number syntax).
    public let text: String
    /// No fraction and no exponent.
    public let isInteger: Bool

    /// `text` must be valid JSON number syntax (the reader guarantees it).
    public init(text: String, isInteger: Bool) {
        self.text = text
        self.isInteger = isInteger
    }

    public init(_ value: Int64) {
        self.init(text: String(value), isInteger: true)
    }

    public var description: String { text }

    /// The value as a correctly rounded `Double` (±infinity when beyond its range, as Python's
    /// `float()` gives).
    public var double: Double {
        var text = self.text
        return text.withUTF8 { JSONNumber.parseDouble($0) }
    }

    /// The value as an `Int64` when it is an integer in range: integer text, or a fraction or
    /// exponent form whose value is exactly integral (`2.0`, `1e3`) and exactly representable.
    public var int64: Int64? {
        if isInteger {
            var text = self.text
            return text.withUTF8 { JSONNumber.parseInteger($0) }
        }
        let value = double
        guard value.isFinite, value == value.rounded(.towardZero), abs(value) <= 9_007_199_254_740_992 else { return nil }
        return Int64(value)
    }

    /// Exact decimal integer parsing with overflow detection (`-`? digits).
    static func parseInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < bytes.count else { return nil }
        // Accumulate negatively so Int64.min parses.
        var value: Int64 = 0
        while index < bytes.count {
            let digit = Int64(bytes[index]) - 48
            guard digit >= 0 && digit <= 9 else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times.subtractingReportingOverflow(digit)
            if o1 || o2 { return nil }
            value = next
            index += 1
        }
        if negative { return value }
        return value == Int64.min ? nil : -value
    }

    /// Powers of ten exactly representable as `Double`.
    private static let exactPowers: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Correctly rounded parsing of JSON number text: the exact fast path (at most 15
    /// significant digits and a power of ten up to 10^22: one IEEE multiplication or division
    /// of exact operands, so one rounding) and the C library's correctly rounded conversion
    /// for everything else.
    static func parseDouble(_ bytes: UnsafeBufferPointer<UInt8>) -> Double {
        var index = 0, negative = false
        if index < bytes.count && bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        var mantissa: UInt64 = 0, digits = 0, scale = 0
        var simple = true
        while index < bytes.count, bytes[index] >= 48 && bytes[index] <= 57 {
            if mantissa != 0 || bytes[index] != 48 { digits += 1 }
            mantissa = mantissa &* 10 &+ UInt64(bytes[index] - 48)
            index += 1
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, bytes[index] >= 48 && bytes[index] <= 57 {
                if mantissa != 0 || bytes[index] != 48 { digits += 1 }
                mantissa = mantissa &* 10 &+ UInt64(bytes[index] - 48)
                scale -= 1
                index += 1
            }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            var exponentNegative = false
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var exponent = 0
            while index < bytes.count, bytes[index] >= 48 && bytes[index] <= 57 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[index] - 48) }
                index += 1
            }
            scale += exponentNegative ? -exponent : exponent
        }
        if digits > 15 { simple = false }
        if simple && mantissa == 0 { return negative ? -0.0 : 0.0 }
        if simple && scale >= -22 && scale <= 22 {
            let base = Double(mantissa)
            let value = scale < 0 ? base / exactPowers[-scale] : base * exactPowers[scale]
            return negative ? -value : value
        }
        return Double(String(decoding: bytes, as: UTF8.self)) ?? .nan
    }
}
