package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

// ctxKey keys the values the web layer puts in a request's context for the API.
type ctxKey int

const (
	principalKey ctxKey = iota
	requestIDKey
	clientIPKey
	secureKey
)

// WithPrincipal returns ctx carrying who is making the request. The web layer sets it
// after checking the session cookie or API token; requests without one carry none.
func WithPrincipal(ctx context.Context, p vigil.Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// PrincipalFrom returns who is making the request, and false for an anonymous one.
func PrincipalFrom(ctx context.Context) (vigil.Principal, bool) {
	p, ok := ctx.Value(principalKey).(vigil.Principal)
	return p, ok
}

// WithRequestID returns ctx carrying the request's id, which problems and log lines
// quote so that a person can find one in the other.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestIDFrom returns the request's id, or "" when none was set.
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// WithClientIP returns ctx carrying the address the request came from, as the web
// layer determined it; sign-in rate limiting counts failures per address.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey, ip)
}

// ClientIPFrom returns the address the request came from, or "" when unknown.
func ClientIPFrom(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey).(string)
	return ip
}

// WithSecure returns ctx noting whether the request reached vigil over HTTPS: over TLS
// directly, or through a trusted proxy that says so. Cookies set in answer are Secure.
func WithSecure(ctx context.Context, secure bool) context.Context {
	return context.WithValue(ctx, secureKey, secure)
}

// SecureFrom reports whether the request reached vigil over HTTPS, as WithSecure noted.
func SecureFrom(ctx context.Context) bool {
	secure, _ := ctx.Value(secureKey).(bool)
	return secure
}
