// Package vuln matches software components against vulnerability advisories, offline.
//
// It loads OSV records (schema 1.7) from a directory, a zip or osv-scanner's offline
// layout, indexes them by ecosystem and normalised package name, and reports every
// component whose version an advisory's ranges or version list cover. Records that are
// aliases of each other (a GHSA and its CVE) become one finding. CISA's Known Exploited
// Vulnerabilities catalogue and FIRST's EPSS scores are joined through CVE aliases, and
// severity is computed from the CVSS v3.x and v4.0 vectors in the records.
//
// Concurrency: a DB is immutable once Load or NewDB returns, so any number of goroutines
// may call Match on it at once; reloading builds a new DB that callers swap in.
package vuln
