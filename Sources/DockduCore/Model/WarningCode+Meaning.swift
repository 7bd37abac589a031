extension WarningCode {
    /// What the code means and what to do about it, in one sentence for an operator: the
    /// README's list of warning codes is this, for every case.
    public var meaning: String {
        switch self {
        case .unreadable:
            "A file or directory could not be opened, read or stat'ed (often: run as root); its bytes are left out."
        case .corrupt:
            "A metadata file could not be parsed; what it describes is unknown, and nothing depending on it is proposed for removal."
        case .vanished:
            "A file disappeared while it was read (a busy engine); the total then differs from a du taken at another moment."
        case .brokenLink:
            "A layer's lower names an l/ link that does not exist, or an l/ link points nowhere; the engine may fail to start that layer."
        case .missingDirectory:
            "A layer's or container's directory named by Docker's metadata is missing; the engine's state is damaged there."
        case .chainMismatch:
            "A chain ID computed from a layer's diff IDs differs from layerdb's; the layer metadata was edited or damaged."
        case .appeared:
            "Entries of overlay2/ or containers/ appeared during the scan; they are counted as other until the next run."
        case .cache:
            "The layer cache could not be read or written; the figures are a full walk's, and the next run may be slower."
        case .layerChanged:
            "A committed image layer's figures differ from its cache entry's: something wrote into it behind the engine."
        }
    }
}
