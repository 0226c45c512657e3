package match

import "github.com/vigil-health/vigil"

// kind numbers the indicator types; it is stored in the top bits of an ID.
type kind uint8

// The kinds. Their numbers are part of every ID but never leave the process.
const (
	kIPv4 kind = iota
	kIPv6
	kCIDR
	kDomain
	kURL
	kEmail
	kMD5
	kSHA1
	kSHA256
	kSHA512
	kFilename
	kX509SHA1
	kX509SHA256
	kJA3
	kJA3S
	kJA4
	numKinds // at most 1<<(32-idShift)
)

// The kind is kept in the top 32-idShift bits of an ID: there is no room for more kinds.
var _ [1<<(32-idShift) - int(numKinds)]struct{}

// kindTypes maps each kind to its indicator type.
var kindTypes = [numKinds]vigil.IndicatorType{
	kIPv4: vigil.TypeIPv4, kIPv6: vigil.TypeIPv6, kCIDR: vigil.TypeCIDR,
	kDomain: vigil.TypeDomain, kURL: vigil.TypeURL, kEmail: vigil.TypeEmail,
	kMD5: vigil.TypeMD5, kSHA1: vigil.TypeSHA1, kSHA256: vigil.TypeSHA256, kSHA512: vigil.TypeSHA512,
	kFilename: vigil.TypeFilename,
	kX509SHA1: vigil.TypeX509SHA1, kX509SHA256: vigil.TypeX509SHA256, kJA3: vigil.TypeJA3, kJA3S: vigil.TypeJA3S, kJA4: vigil.TypeJA4,
}

// kindOf returns the kind of indicator type t.
func kindOf(t vigil.IndicatorType) (kind, bool) {
	for k, kt := range kindTypes {
		if kt == t {
			return kind(k), true
		}
	}
	return 0, false
}

// indicatorType returns the indicator type k stands for.
func (k kind) indicatorType() vigil.IndicatorType { return kindTypes[k] }

// id returns the ID of entry i of kind k.
func (k kind) id(i int) ID { return ID(k)<<idShift | ID(i) }

// hashSize returns the digest length in bytes of a hash kind, 0 for other kinds.
func (k kind) hashSize() int {
	switch k {
	case kMD5, kJA3, kJA3S:
		return 16
	case kSHA1, kX509SHA1:
		return 20
	case kSHA256, kX509SHA256:
		return 32
	case kSHA512:
		return 64
	}
	return 0
}
