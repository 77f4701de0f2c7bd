// The pinyin of simplified Chinese characters, from which the matcher derives the pinyin of the rules' Chinese words
// (`prohibited.pinyin`, docs/risk-rules.md).

/// Toneless pinyin for the 6,763 characters of GB 2312, one reading each (the most common: 行 `xing`, 长 `zhang`).
enum PinyinTable {
    /// The index of the reading of `scalar` (``syllableStarts``), if the table has it.
    static func reading(of scalar: UInt32) -> Int? {
        guard scalar >= 0x4E00, scalar <= 0x9FFF else { return nil }
        let c = UInt16(scalar)
        let block = Int(c - 0x4E00) >> 7
        var low = Int(blockStarts[block])
        let end = Int(blockStarts[block + 1])
        var high = end
        while low < high {
            let mid = (low + high) / 2
            if characters[mid] < c { low = mid + 1 } else { high = mid }
        }
        return low < end && characters[low] == c ? Int(readings[low]) : nil
    }

    /// Writes the pinyin of a word of Chinese characters into `spelled`, its syllables run together (`百家乐` →
    /// `baijiale`; `ü` as `v`), and returns whether it has a `v` (`外围女` → `waiweinv`; its `u` spelling is
    /// `waiweinu`). Nil when a scalar is not a character of the table.
    static func spell(_ word: [UInt32], into spelled: inout [UInt8]) -> Bool? {
        spelled.removeAll(keepingCapacity: true)
        // Most list words are Latin: out on their first scalar, before any lookup.
        guard let first = word.first, first >= 0x4E00, first <= 0x9FFF else { return nil }
        var hasV = false
        for scalar in word {
            guard let r = reading(of: scalar) else { return nil }
            let start = Int(syllableStarts[r])
            let end = Int(syllableStarts[r + 1])
            for k in start..<end {
                let byte = syllableBytes[k]
                if byte == UInt8(ascii: "v") { hasV = true }
                spelled.append(byte)
            }
        }
        return hasV
    }

    /// ``syllableText`` as bytes.
    private static let syllableBytes = Array(syllableText.utf8)
}
