package feeds

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"syscall"

	"github.com/vigil-health/vigil"
)

// FailureReason says why a request vigil made (a feed's pull or check, a webhook's post)
// failed, in words the person who set it up can act on. A network failure is named by its
// kind only, never by what was dialled (a refused internal address must not help map the
// network behind vigil); the full error is for the server log. allowSetting names the
// configuration setting that lets an administrator allow an internal network
// (feed_allow_private, webhook_allow_private).
func FailureReason(err error, allowSetting string) string {
	if why := networkReason(err, allowSetting); why != "" {
		return why
	}
	if why := tlsReason(err); why != "" {
		return why
	}
	var (
		verr  *vigil.Error
		uerr  *url.Error
		operr *net.OpError
	)
	switch {
	case errors.As(err, &verr):
		return verr.Message
	case errors.As(err, &uerr), errors.As(err, &operr):
		// Their text repeats the URL or the address dialled.
		return "the connection failed; check the address and the network (the server log has the details)"
	}
	// What is left was written by vigil: it names the URL redacted and says what to fix.
	return err.Error()
}

// networkReason names a failure to reach the source at all; "" when err is none of those.
func networkReason(err error, allowSetting string) string {
	var (
		dns    *net.DNSError
		netErr net.Error
	)
	var redirect *RedirectRefusedError
	switch {
	case errors.As(err, &redirect):
		// Not a network to allow: a source that sends vigil to an internal address (the
		// cloud metadata one, say) is misconfigured or hostile.
		return redirect.Error() + "; check the feed's URL, or tell whoever runs the source"
	case errors.Is(err, ErrPrivateAddress):
		return "the address is refused as internal (loopback, private, link-local or similar); an administrator can allow its network with " +
			allowSetting + " in the server's configuration"
	case errors.As(err, &dns) && dns.IsNotFound:
		return "the host name was not found (DNS); check how the address is spelled"
	case errors.As(err, &dns):
		return "the host name could not be looked up (DNS); try again later"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the connection was refused: nothing answers at that host and port"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "the host cannot be reached from this server (no route to it)"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "no answer came in time; try again later"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "the server closed the connection before its answer was complete"
	}
	return ""
}

// tlsReason names a failed TLS handshake; "" when err is not one.
func tlsReason(err error) string {
	var (
		host    x509.HostnameError
		unknown x509.UnknownAuthorityError
		invalid x509.CertificateInvalidError
		verify  *tls.CertificateVerificationError
		record  tls.RecordHeaderError
		alert   tls.AlertError
	)
	switch {
	case errors.As(err, &host):
		return "TLS error: the server's certificate is not for this host name"
	case errors.As(err, &unknown):
		return "TLS error: the server's certificate is not signed by an authority this server trusts"
	case errors.As(err, &invalid):
		return "TLS error: the server's certificate is not valid (expired, not yet valid, or not for a web server)"
	case errors.As(err, &verify):
		return "TLS error: the server's certificate could not be verified"
	case errors.As(err, &record):
		return "TLS error: the server did not answer in TLS; check https:// against http:// and the port"
	case errors.As(err, &alert):
		return "TLS error: the server refused the TLS handshake"
	}
	return ""
}
