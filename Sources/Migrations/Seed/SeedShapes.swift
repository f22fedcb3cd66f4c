import Firestore

/// Builds the fields of one seeded document of a given kind from its own random stream.
struct SeedShapes {
    var random: SeedRandom

    static let skills = [
        "React", "TypeScript", "Node.js", "Python", "Go", "Swift", "Kotlin", "Figma", "Photography",
        "Guitar", "Spanish", "Copywriting", "SEO", "Video editing", "Woodworking", "Cooking", "Yoga",
        "Data analysis", "Rust", "Illustration", "Café barista", "3D modelling", "Public speaking",
    ]
    static let levels = ["beginner", "intermediate", "advanced", "expert"]
    static let categories = ["development", "design", "music", "languages", "marketing", "crafts", "wellness"]
    static let statuses = ["active", "open", "pending", "completed", "cancelled"]
    static let words = [
        "looking", "for", "someone", "to", "help", "with", "a", "small", "project", "in", "exchange",
        "happy", "teach", "weekly", "sessions", "remote", "or", "local", "portfolio", "review", "app",
        "website", "lessons", "beginner", "friendly", "evenings", "weekends", "flexible", "schedule",
    ]
    static let names = ["Ada", "Bea", "Cyd", "Dov", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kai", "Lu"]
    static let notificationTypes = ["trade_request", "trade_accepted", "message", "review", "system"]

    /// Between 2023-01-01 and 2025-12-31, whole milliseconds (as the JavaScript app wrote them).
    mutating func instant() -> Timestamp {
        let start: Int64 = 1_672_531_200
        let seconds = start + Int64(random.below(94_608_000))
        return Timestamp(seconds: seconds, nanos: Int32(random.below(1000)) * 1_000_000)
    }

    /// An ISO-8601 string in one of the forms legacy clients wrote.
    mutating func isoString(_ t: Timestamp) -> String {
        switch random.below(4) {
        case 0: return Timestamp(seconds: t.seconds).rfc3339
        case 1: return t.rfc3339
        case 2:
            let local = Timestamp(seconds: t.seconds + 7200, nanos: t.nanos).rfc3339
            return String(local.dropLast()) + "+02:00"
        default:
            let local = Timestamp(seconds: t.seconds - 18_000).rfc3339
            return String(local.dropLast()) + "-05:00"
        }
    }

    mutating func userID() -> String { "user-" + String(1000 + random.below(9000)) }

    mutating func text(_ count: Int) -> String { (0..<count).map { _ in random.pick(Self.words) }.joined(separator: " ") }

    mutating func skillNames(_ range: ClosedRange<Int>) -> [String] {
        random.sample(Self.skills, range.lowerBound + random.below(range.count))
    }

    mutating func tradeSkill(_ name: String) -> Value {
        var skill: [String: Value] = ["name": .string(name)]
        if random.chance(80) { skill["level"] = .string(random.pick(Self.levels)) }
        if random.chance(70) { skill["category"] = .string(random.pick(Self.categories)) }
        return .map(skill)
    }

    static func strings(_ values: [String]) -> Value { .array(values.map(Value.string)) }

    mutating func tradeBase() -> [String: Value] {
        [
            "title": .string(text(3 + random.below(4))),
            "description": .string(text(25 + random.below(25))),
            "status": .string(random.pick(Self.statuses)),
        ]
    }
}
