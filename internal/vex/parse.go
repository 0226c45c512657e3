package vex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/vigil-health/vigil/internal/jsonpos"
)

// MaxDocument caps a VEX document: a supplier's statements for every product run to
// megabytes, not gigabytes.
const MaxDocument = 64 << 20

// Read reads a VEX document, telling OpenVEX from CycloneDX by its content; name is the
// file or upload it came from, kept as each statement's Source. An error names the file.
func Read(name string, r io.Reader) (Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocument+1))
	if err != nil {
		return Document{}, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxDocument {
		return Document{}, fmt.Errorf("%s: larger than %d MiB", name, MaxDocument>>20)
	}
	doc, err := Parse(name, data)
	if err != nil {
		return doc, fmt.Errorf("%s: %w", name, err)
	}
	return doc, nil
}

// Parse reads a VEX document already in memory: OpenVEX when its "@context" names
// openvex, CycloneDX when its "bomFormat" is CycloneDX.
func Parse(name string, data []byte) (Document, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return Document{}, errors.New("the file is empty")
	}
	members, _, err := jsonpos.Object(data, "")
	if err != nil {
		return Document{}, err
	}
	var ctx, format string
	_ = json.Unmarshal(members["@context"], &ctx)
	_ = json.Unmarshal(members["bomFormat"], &format)
	switch {
	case bytes.Contains([]byte(ctx), []byte("openvex")):
		return ParseOpenVEX(name, data)
	case format == "CycloneDX":
		return ParseCycloneDX(name, data)
	}
	return Document{}, errors.New(`not a VEX document: expected OpenVEX ("@context": "https://openvex.dev/ns/v0.2.0") or CycloneDX ("bomFormat": "CycloneDX" with "vulnerabilities")`)
}
