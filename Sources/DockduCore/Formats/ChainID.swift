/// Docker's layer chain IDs: the names of `image/<driver>/layerdb/sha256/<chain>` folders.
///
/// A chain ID names a stack of layers, not one layer: the bottom layer's chain ID is its diff ID,
/// and each layer above it hashes its parent's chain ID, one space and its own diff ID, with the
/// `sha256:` prefixes part of the hashed text (moby `layer.CreateChainID`, OCI image-spec
/// `identity.ChainIDs`).
public enum ChainID {
    /// The chain ID of every prefix of `diffIDs` (bottom layer first), one for each input.
    ///
    /// - Parameter diffIDs: `rootfs.diff_ids` of an image config, each like `sha256:<64 hex>`.
    /// - Returns: `[chain(L0), chain(L0...L1), …]`; empty for no layers.
    public static func chain(of diffIDs: [String]) -> [String] {
        var chains: [String] = []
        chains.reserveCapacity(diffIDs.count)
        for diffID in diffIDs {
            if let parent = chains.last {
                chains.append("sha256:" + SHA256.hexDigest(of: parent + " " + diffID))
            } else {
                chains.append(diffID)
            }
        }
        return chains
    }
}
