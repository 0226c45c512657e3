// Package taxii is a TAXII 2.1 client: it reads a server's discovery resource, API roots
// and collections, and pages through a collection's objects so a sector centre can pull
// its partners' intelligence.
//
// A Client is built once per server with New and is safe for concurrent use. Every
// request asks for application/taxii+json;version=2.1, checks the answer's status and
// content type and caps its body (64 MiB by default). A failed request returns an
// *Error: its Status and RetryAfter say what the server answered, Retryable whether the
// same request may work later, and the *vigil.Error it wraps carries a code and a message
// that can be shown to the person who set up the feed. Cancelling the context stops a
// request and a paging loop; the error then wraps the context's error, not an *Error.
//
// Objects pages through a collection with added_after, limit and next, handing each page
// to a callback. A Page keeps the objects exactly as the server sent them and the
// X-TAXII-Date-Added-First/Last headers, so a caller can store the last date added and
// resume from it on the next pull. Pull does that for intel: it feeds every page to
// intel.ParseSTIX and returns the newest date added it saw.
//
// The client only reads. It does not add objects, read manifests, versions or status
// resources, and it does not retry by itself: a caller that gets a retryable error waits
// RetryAfter and pulls again from the last date added it stored.
//
// Package taxiitest holds a small TAXII 2.1 server for tests.
package taxii
