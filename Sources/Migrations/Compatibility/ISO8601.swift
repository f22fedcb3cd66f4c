import Firestore

/// Parses the ISO-8601 date-time strings legacy TradeYa documents hold in `createdAt`.
///
/// Written by hand rather than with `ISO8601DateFormatter` because a `Date` is a `Double` and loses
/// nanoseconds, and because the accepted forms must be exact and the same on every platform:
/// `YYYY-MM-DDThh:mm[:ss[.fraction]]` followed by `Z` or an offset (`+hh:mm`, `+hhmm`, `+hh`).
/// The separator may be `T`, `t` or a space (RFC 3339); the fraction may use `.` or `,` and have any
/// number of digits (beyond nine they are truncated). A string without an offset is refused: it
/// would be read as local time by the application, so any instant chosen here would be a guess.
enum ISO8601 {
    /// The instant, or `nil` when `text` is not one of the
    /// accepted forms, names an impossible date or time, or falls outside Firestore's range
    /// (0001-01-01T00:00:00Z up to 9999-12-31T23:59:59.999999999Z).
    static func parse(_ text: String) -> Timestamp? {
        var s = Scanner(bytes: Array(text.utf8))
        guard let year = s.digits(4), s.take(UInt8(ascii: "-")),
              let month = s.digits(2), s.take(UInt8(ascii: "-")),
              let day = s.digits(2) else { return nil }
        guard let sep = s.next(), sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") || sep == UInt8(ascii: " ")
        else { return nil }
        guard let hour = s.digits(2), s.take(UInt8(ascii: ":")), let minute = s.digits(2) else { return nil }
        var second = 0
        var nanos = 0
        if s.take(UInt8(ascii: ":")) {
            guard let sec = s.digits(2) else { return nil }
            second = sec
            if s.take(UInt8(ascii: ".")) || s.take(UInt8(ascii: ",")) {
                var count = 0
                while let d = s.peekDigit() {
                    s.index += 1
                    if count < 9 { nanos = nanos * 10 + d }
                    count += 1
                }
                guard count > 0 else { return nil }
                for _ in count..<max(count, 9) { nanos *= 10 }
            }
        }
        guard let offsetSeconds = s.offset(), s.atEnd else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second), year >= 1
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        guard seconds >= Timestamp.minSeconds, seconds <= Timestamp.maxSeconds else { return nil }
        return Timestamp(seconds: seconds, nanos: Int32(nanos))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func next() -> UInt8? {
            guard index < bytes.count else { return nil }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        func peekDigit() -> Int? {
            guard index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 else { return nil }
            return Int(bytes[index] - 48)
        }

        mutating func digits(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let d = peekDigit() else { return nil }
                value = value * 10 + d
                index += 1
            }
            return value
        }

        /// `Z`, `z`, `±hh:mm`, `±hhmm` or `±hh`, as seconds east of UTC.
        mutating func offset() -> Int? {
            if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) { return 0 }
            let sign: Int
            if take(UInt8(ascii: "+")) { sign = 1 } else if take(UInt8(ascii: "-")) { sign = -1 } else { return nil }
            guard let hours = digits(2), hours <= 23 else { return nil }
            var minutes = 0
            if take(UInt8(ascii: ":")) {
                guard let m = digits(2) else { return nil }
                minutes = m
            } else if let m = digits(2) {
                minutes = m
            }
            guard minutes <= 59 else { return nil }
            return sign * (hours * 3600 + minutes * 60)
        }
    }
}
