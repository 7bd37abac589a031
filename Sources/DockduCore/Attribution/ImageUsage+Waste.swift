extension ImageUsage {
    /// Sets ``wastedBytes``, ``efficiency`` and ``wasted`` from what ``WasteFinder`` found.
    mutating func fillWaste(_ waste: ImageWaste, image: StoredImage, mode: SizeMode) {
        wastedBytes = mode == .apparent ? waste.wastedApparentBytes : waste.wastedAllocatedBytes
        // Rounded to 4 places so that the JSON is stable and short.
        efficiency = (waste.efficiency * 10_000).rounded() / 10_000
        func step(_ index: Int) -> WastedPath.Step {
            WastedPath.Step(
                index: index, chainId: image.chainIDs[index],
                createdBy: index < image.layerCommands.count ? image.layerCommands[index] : nil)
        }
        wasted = waste.paths.map { path in
            WastedPath(
                path: String(decoding: path.path, as: UTF8.self),
                bytes: mode == .apparent ? path.apparentBytes : path.allocatedBytes,
                hiding: path.hiding, addedBy: step(path.addedBy), hiddenBy: step(path.hiddenBy))
        }
    }
}
