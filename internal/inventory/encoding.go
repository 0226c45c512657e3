package inventory

import (
	"bytes"
	"encoding/binary"
	"unicode/utf16"
)

// asUTF8 returns the text as UTF-8 without a byte order mark. Windows PowerShell writes
// redirected output (osqueryi --json > programs.json) as UTF-16 with a mark, and Excel
// saves CSV with a UTF-8 mark; both are read as if saved plainly.
func asUTF8(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return utf16ToUTF8(data[2:], binary.LittleEndian)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return utf16ToUTF8(data[2:], binary.BigEndian)
	}
	return data
}

func utf16ToUTF8(data []byte, order binary.ByteOrder) []byte {
	units := make([]uint16, len(data)/2)
	for i := range units {
		units[i] = order.Uint16(data[2*i:])
	}
	return []byte(string(utf16.Decode(units)))
}
