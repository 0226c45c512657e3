// Package pages is vigil's web interface: server-rendered HTML pages over the same use
// cases the JSON API calls (internal/app), for people who will never open a terminal —
// a care-home manager on a phone, a trust's IT lead, a supplier's support desk, a sector
// analyst. It is a door: each handler decodes a form or query, calls one use case with
// the signed-in person's principal, and renders the result; it never touches the store.
//
// Pages are html/template files embedded in the binary (templates/), styled with the
// NHS.UK frontend (assets/, vendored by assets/update.sh: nothing is fetched at run
// time). Every page works without JavaScript; vigil.js only starts the frontend's
// components. The server's middleware (internal/web) signs requests in and refuses
// cross-origin form posts; this package adds the page headers (a strict
// Content-Security-Policy with no inline script or style, frame-ancestors 'none').
//
// Output is escaped by html/template everywhere: no template marks text safe.
package pages
