// Package taxiitest is a small read-only TAXII 2.1 server for vigil's tests.
//
// A Server is an http.Handler backed by a data file in the layout of the reference
// server medallion's default_data.json: a "/discovery" resource, and per API root its
// "information" and "collections", each collection with its STIX "objects" and the
// "manifest" records that say when each object version was added. It serves discovery,
// API roots, collections, one collection and a collection's objects with added_after,
// limit, next (an opaque token) and match[type|id|spec_version|version] filters, and
// sets the X-TAXII-Date-Added-First/Last headers. API root URLs in the discovery resource
// are rewritten to the host the request came to, so the data works behind httptest.
//
// It can require credentials (RequireBasicAuth, RequireHeader) and be told to answer
// with a given status, headers and body (Fail) so clients' error handling can be tested.
// PageLikeMedallion switches to medallion's paging: one next token per paging session,
// reused on every page, and next without limit answered 500.
//
// It does not accept objects, and has no manifest, versions or status endpoints.
//
// A Server is safe for concurrent use; its settings may be changed while it serves.
package taxiitest
