// Package api is vigil's JSON API under /api/v1: one handler per file (noun_verb.go),
// registered with huma, which validates requests against the types' schemas and serves
// the OpenAPI 3.1 document at /api/v1/openapi.json.
//
// Every operation is registered with Register, which attaches an Access rule (who may
// call it, checked before the body is read) and sends every error a handler returns
// through one mapping from vigil error codes to RFC 9457 problems (see Status):
//
//	invalid       422 Unprocessable Content: the request parsed but says something
//	              wrong; the detail says what to change. (A body that is not JSON at
//	              all is huma's 400 Bad Request; a value of the wrong type or shape
//	              is huma's 422, like ours.)
//	not_found     404, also for another organisation's resources, so that their
//	              existence does not leak
//	conflict      409
//	forbidden     403: the caller's role may not do this at all
//	unauthorized  401, with WWW-Authenticate
//	unavailable   503 with Retry-After
//	internal      500 with a generic detail naming the request id; the error itself
//	              goes only to the log
//
// Tenancy (vigil.Audience, applied by the use cases): sector roles see every organisation; org_admin and org_member see their
// own; a supplier sees itself and the organisations it serves (its customers), except
// customer alerts marked TLP:AMBER+STRICT or TLP:RED; a sensor token may call nothing
// here. The web package resolves who is calling and puts it in the request context
// (WithPrincipal); handlers read it with PrincipalFrom. A handler decodes its input,
// calls one use case of the App (internal/app) and maps the result: the use case checks
// who may do what, runs the one transaction and writes the audit entry. The API never
// imports the store.
package api
