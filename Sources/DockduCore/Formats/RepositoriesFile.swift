import FoundationEssentials

/// `image/overlay2/repositories.json`: the references (tags and digests) of each image.
///
/// `{"Repositories":{"name":{"name:tag":"sha256:…","name@sha256:…":"sha256:…"}}}`
public struct RepositoriesFile: Decodable, Sendable {
    public var repositories: [String: [String: String]]

    enum CodingKeys: String, CodingKey { case repositories = "Repositories" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        repositories = try container.decodeIfPresent([String: [String: String]].self, forKey: .repositories) ?? [:]
    }

    public static func parse(_ bytes: [UInt8]) throws -> RepositoriesFile {
        try JSONDecoder().decode(RepositoriesFile.self, from: Data(bytes))
    }

    /// Image ID → its references, sorted.
    public var referencesByImage: [String: [String]] {
        var result: [String: [String]] = [:]
        for (_, references) in repositories {
            for (reference, imageID) in references { result[imageID, default: []].append(reference) }
        }
        return result.mapValues { $0.sorted() }
    }
}
