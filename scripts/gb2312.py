"""The 6,763 hanzi of GB 2312 (the character set simplified Chinese is written in), sorted by code point: shared by
the table generators (generate-pinyin-table.py, generate-traditional-pairs.py). Development tooling only."""


def hanzi():
    """Every hanzi of GB 2312 (rows 0xB0 ... 0xF7), sorted by code point."""
    characters = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                characters.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    characters.sort()
    assert len(characters) == 6763, len(characters)
    return characters
