import Foundation

extension String {
    /// True when both strings hold the same UTF-8 bytes: Firestore's string equality, which is
    /// not Swift's `==` (that one treats canonically equivalent strings, "é" and "e\u{301}", as
    /// equal). A length check and one `memcmp`: the generic `utf8.elementsEqual` walks byte by byte
    /// and showed up in the compatibility layer's profile.
    public func hasSameUTF8(as other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var a = self, b = other
        return a.withUTF8 { x in b.withUTF8 { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } }
    }
}
