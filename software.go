package vigil

// Component is one piece of software an organisation runs, as an inventory names it: a
// package from an ecosystem OSV knows (log4j-core 2.14.1 from Maven), or a product a
// care home runs (a Windows build, an anti-virus, a digital care-plan app).
type Component struct {
	// Ecosystem is the OSV ecosystem name ("Go", "PyPI", "npm", "Maven", "Debian",
	// "Alpine", "RubyGems", "NuGet", "Packagist", "crates.io"…); empty for a product
	// outside package ecosystems (Vendor and Product say what it is).
	Ecosystem string
	// Name is the package name as the ecosystem writes it (Maven "group:artifact", npm
	// "@scope/name", a Go module path); for a product, the product.
	Name string
	// Version is the version as the inventory gives it; empty when it gives none.
	Version string
	// SourcePackage is the distribution's source package a binary package was built
	// from (Debian and Ubuntu file advisories under it: libssl3 comes from openssl);
	// empty when the inventory does not say or it is the same as Name.
	SourcePackage string
	// PURL is the package URL when the inventory gave one or one could be built.
	PURL string
	// Vendor and Product name software outside package ecosystems (from a CSV inventory
	// or osquery's programs and apps).
	Vendor, Product string
	// Supplier is the name of the supplier the organisation gets the component from
	// (the care-plan vendor), when the inventory says so.
	Supplier string
	// Source is the inventory the component came from: a file name or upload's source
	// name.
	Source string
	// Location says where in the source: "line 12", a CycloneDX bom-ref, a path in a
	// lockfile.
	Location string
}

// InventoryProblem is a part of an inventory that could not be understood: the rest of
// the inventory is kept, and the problem is shown to whoever uploaded it.
type InventoryProblem struct {
	// Source is the file or upload the problem is in.
	Source string
	// Location says where in it ("line 12", "components[4]").
	Location string
	// Reason says what is wrong, in words the uploader can act on.
	Reason string
}
