import Foundation
import Yams

extension EnvironmentConfiguration {
    /// Parses the hand-written YAML configuration (see `runbook.example.yaml`).
    ///
    /// Every problem is reported with the file and the line of the offending key or value: an
    /// unknown key (a typo would otherwise be silently ignored), a value of the wrong type, a
    /// missing project, two ways of reaching one database.
    public static func parse(yaml: String, source: String?) throws -> EnvironmentConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw Self.syntaxError(error, source: source)
        }
        let reader = ConfigurationReader(source: source)
        guard let root, root.scalar?.string.isEmpty != true else {
            throw reader.error(nil, "is empty; it needs an `environments:` mapping (see runbook.example.yaml)")
        }
        let top = try reader.mapping(root, what: "the top level", allowed: ["environments"])
        guard let environmentsNode = top["environments"] else {
            throw reader.error(root, "has no `environments:` mapping")
        }
        let entries = try reader.pairs(environmentsNode, what: "`environments`")
        guard !entries.isEmpty else { throw reader.error(environmentsNode, "`environments` names no environment") }
        let baseDirectory = source.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
        let environments = try entries.map { key, value in
            try reader.environment(name: key, node: value, baseDirectory: baseDirectory)
        }
        return EnvironmentConfiguration(environments: environments, source: source)
    }

    private static func syntaxError(_ error: YamlError, source: String?) -> EnvironmentConfigurationError {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return EnvironmentConfigurationError(file: source, line: mark.line, problem: "YAML syntax: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            return EnvironmentConfigurationError(
                file: source, line: context.mark.line, problem: "a mapping has \(keys) twice; keep one")
        default:
            return EnvironmentConfigurationError(file: source, line: nil, problem: "YAML syntax: \(error)")
        }
    }
}

/// Walks composed YAML nodes and turns every surprise into an error with a line number.
private struct ConfigurationReader {
    let source: String?

    func error(_ node: Node?, _ problem: String) -> EnvironmentConfigurationError {
        EnvironmentConfigurationError(file: source, line: node?.mark?.line, problem: problem)
    }

    /// The mapping's entries in order, refusing duplicate and non-string keys.
    func pairs(_ node: Node, what: String) throws -> [(String, Node)] {
        guard let mapping = node.mapping else { throw error(node, "\(what) must be a mapping of `key: value` lines") }
        var seen: Set<String> = []
        return try mapping.map { key, value in
            guard let name = key.scalar?.string, !name.isEmpty else { throw error(key, "\(what) has a key that is not a plain name") }
            guard seen.insert(name).inserted else { throw error(key, "\(what) has \"\(name)\" twice") }
            return (name, value)
        }
    }

    func mapping(_ node: Node, what: String, allowed: [String]) throws -> [String: Node] {
        var result: [String: Node] = [:]
        for (key, value) in try pairs(node, what: what) {
            guard allowed.contains(key) else {
                let hint = allowed.map { ($0, Self.editDistance($0, key)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
                let suggestion = hint.map { "; did you mean \"\($0)\"?" } ?? "; expected one of: \(allowed.joined(separator: ", "))"
                throw error(keyNode(node, key), "unknown key \"\(key)\" in \(what)\(suggestion)")
            }
            result[key] = value
        }
        return result
    }

    func string(_ node: Node, what: String) throws -> String {
        guard let scalar = node.scalar, node.tagName == .str || node.tagName == .int, !scalar.string.isEmpty else {
            throw error(node, "\(what) must be a non-empty string, not \(Self.kind(of: node))")
        }
        return scalar.string
    }

    func bool(_ node: Node, what: String) throws -> Bool {
        guard node.tagName == .bool, let value = node.bool else {
            throw error(node, "\(what) must be true or false, not \(Self.kind(of: node))")
        }
        return value
    }

    func positiveInt(_ node: Node, what: String) throws -> Int {
        guard node.tagName == .int, let value = node.int, value > 0 else {
            throw error(node, "\(what) must be a whole number above 0, not \(Self.kind(of: node))")
        }
        return value
    }

    func url(_ node: Node, what: String) throws -> URL {
        let text = try string(node, what: what)
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw error(node, "\(what) must be an http(s) URL such as https://firestore.googleapis.com, not \"\(text)\"")
        }
        return url
    }

    func environment(name: String, node: Node, baseDirectory: URL?) throws -> FirestoreEnvironment {
        let what = "environment \"\(name)\""
        guard name.range(of: #"^[A-Za-z0-9][A-Za-z0-9_.-]*$"#, options: .regularExpression) != nil else {
            throw error(node, "environment name \"\(name)\" may hold only letters, digits, '-', '_' and '.'")
        }
        let fields = try mapping(
            node, what: what, allowed: ["project", "database", "protected", "emulator", "credentials", "rateLimits", "firestoreEndpoint", "adminEndpoint"])
        guard let projectNode = fields["project"] else {
            throw error(node, "\(what) has no `project:` (the Firestore project ID, e.g. tradeya-staging)")
        }
        let project = try string(projectNode, what: "\(what): project")
        guard project.range(of: #"^[a-z][a-z0-9.:-]{3,61}[a-z0-9]$"#, options: .regularExpression) != nil else {
            throw error(projectNode, "\(what): \"\(project)\" is not a Google Cloud project ID (lowercase letters, digits and hyphens, 6 to 30 long)")
        }
        var environment = FirestoreEnvironment(name: name, projectID: project)
        if let database = fields["database"] {
            let id = try string(database, what: "\(what): database")
            guard id == "(default)" || id.range(of: #"^[a-z][a-z0-9-]{2,62}$"#, options: .regularExpression) != nil else {
                throw error(database, "\(what): database \"\(id)\" is neither (default) nor a database ID (lowercase letters, digits, hyphens, 4 to 63 long)")
            }
            environment.databaseID = id
        }
        if let protected = fields["protected"] {
            environment.isProtected = try bool(protected, what: "\(what): protected")
        }
        if let emulator = fields["emulator"], let credentials = fields["credentials"] {
            _ = emulator
            throw error(credentials, "\(what) has both `emulator` and `credentials`; an emulator needs no credentials, keep one")
        }
        if let emulator = fields["emulator"] {
            let host = try string(emulator, what: "\(what): emulator")
            guard host.range(of: #"^[^\s/:]+:[0-9]{1,5}$"#, options: .regularExpression) != nil else {
                throw error(emulator, "\(what): emulator must be HOST:PORT, e.g. 127.0.0.1:8080, not \"\(host)\"")
            }
            environment.access = .emulator(host: host)
        }
        if let credentials = fields["credentials"] {
            environment.access = try access(credentials, what: "\(what): credentials", baseDirectory: baseDirectory)
        }
        if let endpoint = fields["firestoreEndpoint"] {
            environment.firestoreEndpoint = try url(endpoint, what: "\(what): firestoreEndpoint")
        }
        if let endpoint = fields["adminEndpoint"] {
            environment.adminEndpoint = try url(endpoint, what: "\(what): adminEndpoint")
        }
        if let limits = fields["rateLimits"] {
            environment.rateLimits = try rateLimits(limits, what: "\(what): rateLimits")
        }
        return environment
    }

    func access(_ node: Node, what: String, baseDirectory: URL?) throws -> FirestoreEnvironment.Access {
        if let scalar = node.scalar {
            switch scalar.string {
            case "application-default": return .applicationDefault
            case "metadata": return .metadataServer(host: nil)
            case "environment-token": return .environmentToken(variable: EnvironmentTokenProvider.defaultVariable)
            default:
                throw error(node, "\(what) \"\(scalar.string)\" is not one of application-default, metadata, environment-token, or a mapping with serviceAccountKey / metadataServer / accessTokenEnv")
            }
        }
        let fields = try mapping(node, what: what, allowed: ["serviceAccountKey", "metadataServer", "accessTokenEnv"])
        guard fields.count == 1, let (key, value) = fields.first else {
            throw error(node, "\(what) must name exactly one of serviceAccountKey, metadataServer, accessTokenEnv")
        }
        let text = try string(value, what: "\(what): \(key)")
        switch key {
        case "serviceAccountKey":
            let expanded = (text as NSString).expandingTildeInPath
            let path = expanded.hasPrefix("/") || baseDirectory == nil
                ? expanded : baseDirectory!.appendingPathComponent(expanded).standardizedFileURL.path
            return .serviceAccountKey(path: path)
        case "metadataServer":
            return .metadataServer(host: text)
        default:
            guard text.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) != nil else {
                throw error(value, "\(what): accessTokenEnv must be an environment variable name, not \"\(text)\"")
            }
            return .environmentToken(variable: text)
        }
    }

    func rateLimits(_ node: Node, what: String) throws -> FirestoreEnvironment.RateLimits {
        let fields = try mapping(node, what: what, allowed: ["docsPerSecond", "rampUp", "maxConcurrency"])
        var limits = FirestoreEnvironment.RateLimits()
        if let value = fields["docsPerSecond"] { limits.documentsPerSecond = try positiveInt(value, what: "\(what): docsPerSecond") }
        if let value = fields["rampUp"] { limits.rampUp = try bool(value, what: "\(what): rampUp") }
        if let value = fields["maxConcurrency"] {
            limits.maxConcurrency = try positiveInt(value, what: "\(what): maxConcurrency")
            guard limits.maxConcurrency <= 256 else {
                throw error(value, "\(what): maxConcurrency \(limits.maxConcurrency) is above 256; Firestore would throttle it")
            }
        }
        return limits
    }

    private func keyNode(_ mapping: Node, _ key: String) -> Node? {
        mapping.mapping?.first { $0.key.scalar?.string == key }?.key
    }

    private static func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            switch node.tagName {
            case .null: return "an empty value"
            case .bool: return "the boolean \(scalar.string)"
            case .int, .float: return "the number \(scalar.string)"
            default: return "\"\(scalar.string)\""
            }
        }
    }

    /// Levenshtein distance, case-insensitive, for "did you mean".
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased()), y = Array(b.lowercased())
        guard !x.isEmpty, !y.isEmpty else { return max(x.count, y.count) }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }
}

private extension Node {
    /// The resolved YAML tag name (`tag:yaml.org,2002:int`, …); Yams keeps `Tag.name` internal.
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
