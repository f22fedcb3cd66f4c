import Foundation

/// A point in time with Firestore's nanosecond precision, from 0001-01-01 to 9999-12-31 UTC.
///
/// Kept as seconds and nanoseconds (never a `Date`, whose `Double` loses nanoseconds) so a timestamp
/// read from Firestore is written back bit for bit, e.g. as an `updateTime` precondition.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var seconds: Int64
    /// 0 ..< 1_000_000_000.
    public var nanos: Int32

    /// Firestore's supported range, in seconds since the Unix epoch.
    public static let minSeconds: Int64 = -62_135_596_800  // 0001-01-01T00:00:00Z
    public static let maxSeconds: Int64 = 253_402_300_799  // 9999-12-31T23:59:59Z

    public init(seconds: Int64, nanos: Int32 = 0) {
        self.seconds = seconds
        self.nanos = nanos
    }

    /// The current time, rounded to microseconds as `Date` allows.
    public static func now() -> Timestamp { Timestamp(Date()) }

    public init(_ date: Date) {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        seconds = Int64(whole)
        nanos = Int32(min(999_999_999, max(0, ((interval - whole) * 1e9 / 1000).rounded() * 1000)))
    }

    public var date: Date { Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1e9) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanos) < (rhs.seconds, rhs.nanos)
    }

    /// RFC 3339 in UTC with 0, 3, 6 or 9 fraction digits, as Google's APIs write it.
    public var rfc3339: String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Timestamp.civil(fromDays: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        text += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if nanos != 0 {
            var digits = pad(Int64(nanos), 9)
            while digits.hasSuffix("000") { digits.removeLast(3) }
            text += "." + digits
        }
        return text + "Z"
    }

    public var description: String { rfc3339 }

    private func pad(_ value: Int64, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    // Howard Hinnant's days-from-civil algorithms (proleptic Gregorian calendar).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// A timestamp string that is not RFC 3339, or out of Firestore's range.
public struct TimestampParseError: Error, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String {
        "invalid timestamp \"\(text)\": \(reason) (expected RFC 3339, e.g. 2024-03-01T10:00:00.123456789Z)"
    }
}

extension Timestamp {
    /// Parses RFC 3339 (`2024-03-01T10:00:00Z`, up to 9 fraction digits, `Z` or `±hh:mm`).
    public init(rfc3339 text: String) throws(TimestampParseError) {
        let b = Array(text.utf8)
        var i = 0
        func fail(_ reason: String) -> TimestampParseError { TimestampParseError(text: text, reason: reason) }
        func number(_ width: Int) throws(TimestampParseError) -> Int64 {
            guard i + width <= b.count else { throw fail("too short") }
            var value: Int64 = 0
            for k in 0..<width {
                let c = b[i + k]
                guard c >= 48, c <= 57 else { throw fail("digit expected at position \(i + k + 1)") }
                value = value * 10 + Int64(c - 48)
            }
            i += width
            return value
        }
        func expect(_ chars: String) throws(TimestampParseError) {
            guard i < b.count, chars.utf8.contains(b[i]) else { throw fail("'\(chars.first!)' expected at position \(i + 1)") }
            i += 1
        }
        let year = try number(4); try expect("-")
        let month = try number(2); try expect("-")
        let day = try number(2); try expect("Tt ")
        let hour = try number(2); try expect(":")
        let minute = try number(2); try expect(":")
        let second = try number(2)
        guard (1...12).contains(month) else { throw fail("month out of range") }
        let monthDays: [Int64] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        guard day >= 1, day <= monthDays[Int(month - 1)] + (month == 2 && leap ? 1 : 0) else { throw fail("day out of range") }
        guard hour < 24, minute < 60, second < 60 else { throw fail("time of day out of range") }
        var nanos: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                guard digits < 9 else { throw fail("more than 9 fraction digits") }
                nanos = nanos * 10 + Int64(b[i] - 48)
                digits += 1; i += 1
            }
            guard digits > 0 else { throw fail("fraction digits expected after '.'") }
            for _ in digits..<9 { nanos *= 10 }
        }
        var offset: Int64 = 0
        guard i < b.count else { throw fail("time zone ('Z' or ±hh:mm) expected") }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            let oh = try number(2); try expect(":")
            let om = try number(2)
            guard oh < 24, om < 60 else { throw fail("time zone offset out of range") }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            throw fail("time zone ('Z' or ±hh:mm) expected")
        }
        guard i == b.count else { throw fail("unexpected characters after the time zone") }
        let total = Timestamp.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        guard total >= Timestamp.minSeconds, total <= Timestamp.maxSeconds else { throw fail("outside 0001-01-01..9999-12-31") }
        self.init(seconds: total, nanos: Int32(nanos))
    }
}
