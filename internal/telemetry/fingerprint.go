package telemetry

import (
	"bytes"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
)

// fingerprintTypes are the observable types of the fingerprint classes; classX509 takes
// its type from the length.
var fingerprintTypes = map[class]vigil.IndicatorType{
	classX509SHA1: vigil.TypeX509SHA1, classX509SHA256: vigil.TypeX509SHA256,
	classJA3: vigil.TypeJA3, classJA3S: vigil.TypeJA3S, classJA4: vigil.TypeJA4,
}

// normFingerprint normalises a certificate or TLS fingerprint as ioc.Fingerprint does.
func normFingerprint(c class, b []byte) (vigil.IndicatorType, string) {
	b = bytes.TrimSpace(b)
	t := fingerprintTypes[c]
	if c == classX509 {
		switch n := len(b) - bytes.Count(b, []byte(":")); n {
		case 40:
			t = vigil.TypeX509SHA1
		case 64:
			t = vigil.TypeX509SHA256
		default:
			return "", ""
		}
	}
	v, err := ioc.Fingerprint(t, string(b))
	if err != nil {
		return "", ""
	}
	return t, v
}

// certFileTypes are what a file's hashes are when the file is a certificate (Zeek
// files.log with an X.509 MIME type, ECS file.x509): its fingerprints, not a file to hunt.
var certFileTypes = map[vigil.IndicatorType]vigil.IndicatorType{
	vigil.TypeSHA1: vigil.TypeX509SHA1, vigil.TypeSHA256: vigil.TypeX509SHA256,
}

// certFile turns the file hashes of the line into certificate fingerprints when the event
// said its file is a certificate; a certificate's MD5 matches neither and is dropped.
func (e *Extractor) certFile() {
	if !e.isCert {
		return
	}
	out := e.dst[:e.start]
	for _, o := range e.dst[e.start:] {
		if o.Type.IsHash() {
			t, ok := certFileTypes[o.Type]
			if !ok {
				continue
			}
			o.Type = t
		}
		out = append(out, o)
	}
	e.dst = out
}

// certMIME reports whether a MIME type names an X.509 certificate.
func certMIME(b []byte) bool {
	return bytes.HasPrefix(b, []byte("application/x-x509")) || bytes.HasPrefix(b, []byte("application/pkix-cert"))
}
