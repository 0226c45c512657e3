// Package web is vigil's HTTP server: it mounts the JSON API (internal/api), health and
// metrics endpoints on one net/http ServeMux and wraps them in the middleware every
// request passes through, outermost first:
//
//  1. observe: gives the request an id (X-Request-Id), counts and times it for
//     /metrics, and logs one line with method, path, route, status, duration and
//     principal. It is outermost so that it also sees the 500 a panic becomes.
//  2. recover: a panic becomes a 500 problem naming the request id; the stack goes
//     only to the log.
//  3. limitBody: bounds request bodies (Deps.MaxBodyBytes, or the cap of the most
//     specific route pattern in Deps.BodyLimits and the API's operations that set one).
//  4. csrf: net/http's CrossOriginProtection refuses cross-origin state-changing
//     requests. Requests with an Authorization header skip it: a browser cannot add
//     that header cross-origin without a CORS preflight, which this server never
//     grants, and such requests are authenticated by the header alone (the session
//     cookie is then ignored), so they cannot be forged.
//  5. authenticate: Authorization: Bearer vgl_… resolves through the store's tokens
//     (a bad token is 401); otherwise the vigil_session cookie through its sessions
//     (an ended session is simply anonymous). The principal goes in the request
//     context (api.WithPrincipal).
//
// The Server owns its Prometheus registry; other engines register their collectors on
// Metrics(), their API operations with api.Register on API(), and plain handlers with
// Handle, all before Serve.
package web
