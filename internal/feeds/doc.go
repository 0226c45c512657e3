// Package feeds fetches registered threat-intelligence sources and ages their indicators.
// It knows HTTP(S) lists and CSV files (conditional GET with ETag and If-Modified-Since),
// MISP feeds (manifest.json and event files) and TAXII 2.1 collections (added_after and
// next paging), and hands the indicators it parses to a callback. It has no database: the
// caller keeps each feed's State between pulls and stores what Fetch returns.
//
// Indicators age: [Score] gives an indicator's decay score from its type and when a
// source last published it or it was last sighted; below [Threshold] it stops matching.
//
// Concurrency: the package holds no mutable state. Fetch may run for several feeds at
// once; within one call, emit is called from the calling goroutine only, one indicator
// at a time, so it needs no lock of its own unless the caller shares it between pulls.
package feeds
