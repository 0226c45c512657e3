package telemetry

import (
	"maps"
	"strings"
)

// kind says how the value of a known field is read.
type kind uint8

const (
	kindIP           kind = iota + 1 // an IP address
	kindHost                         // a host name or IP address, maybe with ":port"
	kindURL                          // an absolute URL
	kindEmail                        // one or more email addresses
	kindMD5                          // kindMD5..kindSHA512: a hash of that type, in the order of hashTypes
	kindSHA1                         //
	kindSHA256                       //
	kindSHA512                       //
	kindHash                         // a hash whose type follows from its length
	kindFilename                     // a path or file name; the base name is kept
	kindURLHost                      // kindHost, also joined with kindURLPath into a URL
	kindURLPath                      // a URL path (joined with the host) or an absolute URL
	kindURLScheme                    // the scheme for the joined URL; "http" when absent
	kindURLPort                      // the port for the joined URL
	kindWinHashes                    // Sysmon "SHA1=…,MD5=…,SHA256=…,IMPHASH=…"
	kindQueryResults                 // Sysmon DNS answers "a;b;type:  5 name;"
	kindEventData                    // Windows EventData: an object or a JSON-encoded string
	kindCommandLine                  // a command line: the URLs, addresses and domains among its arguments
	kindX509                         // a certificate fingerprint, SHA-1 or SHA-256 by length
	kindX509SHA1                     // a certificate's SHA-1 fingerprint
	kindX509SHA256                   // a certificate's SHA-256 fingerprint
	kindJA3                          // a TLS client's JA3
	kindJA3S                         // a TLS server's JA3S
	kindJA4                          // a TLS client's JA4
	kindMIME                         // a file's MIME type: an X.509 one makes the file's hashes fingerprints
	kindCertMarker                   // present only when the event's file is a certificate (ECS file.x509)
	// The time kinds come last (eventtime.go): a kindTime field gives the event's time
	// over the others.
	kindTime         // when the event happened: epoch digits or an RFC 3339-like text
	kindTimeLogged   // when it was logged or shipped: used when no kindTime field is readable
	kindCalendarTime // osquery's calendarTime, "Tue Sep 30 17:37:30 2014 UTC"; as kindTimeLogged
)

// spec is a known field: its name as reported in Observable.Field and how to read it.
type spec struct {
	name string
	kind kind
	// algFields names the parts of a kindWinHashes field: name+".MD5", ".SHA1", ".SHA256", ".SHA512".
	algFields *[4]string
}

// table maps dotted field paths of one format to specs. It is built once and never changed.
type table struct {
	fields map[string]spec
	// prefixes holds every proper dotted prefix of a field path: objects (and arrays of
	// objects) under other keys are not walked.
	prefixes map[string]bool
	// mask is a cheap pre-filter on the length and a few bytes of the paths in fields or
	// prefixes, so most keys of an event are rejected without a map lookup.
	mask [64][2]uint64
}

func newTable(fields map[string]kind) *table {
	t := &table{fields: make(map[string]spec, len(fields)), prefixes: map[string]bool{}}
	for name, k := range fields {
		s := spec{name: name, kind: k}
		if k == kindWinHashes {
			s.algFields = &[4]string{name + ".MD5", name + ".SHA1", name + ".SHA256", name + ".SHA512"}
		}
		t.fields[name] = s
		t.mark(name)
		for i := strings.IndexByte(name, '.'); i > 0; i = nextDot(name, i) {
			t.prefixes[name[:i]] = true
			t.mark(name[:i])
		}
	}
	return t
}

func nextDot(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '.')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// maskBits hashes p twice into bit positions for the mask: a two-probe Bloom filter per length.
func maskBits(p []byte) (uint64, uint64) {
	n := len(p)
	return 1 << ((p[0] ^ p[n-1]<<2) & 63), 1 << ((p[n>>1] ^ p[(n-1)>>2]<<1) & 63)
}

func (t *table) mark(p string) {
	b1, b2 := maskBits([]byte(p))
	m := &t.mask[len(p)&63]
	m[0] |= b1
	m[1] |= b2
}

// maybe reports whether p can be a field or prefix of t; false means certainly not.
func (t *table) maybe(p []byte) bool {
	if len(p) == 0 {
		return false
	}
	b1, b2 := maskBits(p)
	return t.maybeBits(len(p), b1, b2)
}

// maybeBits is maybe for a path of length n whose maskBits are b1 and b2: tables share the
// hash, so a key is hashed once for all of them.
func (t *table) maybeBits(n int, b1, b2 uint64) bool {
	m := &t.mask[n&63]
	return m[0]&b1 != 0 && m[1]&b2 != 0
}

// Field tables per format. Keys are dotted paths; arrays are transparent (an array of
// strings is read element by element, an array of objects is walked like one object).
var (
	ecsTable = newTable(map[string]kind{
		"source.ip": kindIP, "destination.ip": kindIP, "client.ip": kindIP, "server.ip": kindIP,
		"host.ip": kindIP, "related.ip": kindIP, "dns.resolved_ip": kindIP,
		"related.hosts": kindHost, "dns.question.name": kindHost, "dns.answers.data": kindHost,
		"destination.domain": kindHost, "server.domain": kindHost, "source.domain": kindHost,
		"client.domain": kindHost, "tls.client.server_name": kindHost,
		"url.full": kindURL, "url.original": kindURLPath, "url.domain": kindURLHost,
		"url.scheme": kindURLScheme, "url.port": kindURLPort, "related.hash": kindHash,
		"file.hash.md5": kindMD5, "file.hash.sha1": kindSHA1, "file.hash.sha256": kindSHA256, "file.hash.sha512": kindSHA512,
		"process.hash.md5": kindMD5, "process.hash.sha1": kindSHA1, "process.hash.sha256": kindSHA256, "process.hash.sha512": kindSHA512,
		"process.parent.hash.md5": kindMD5, "process.parent.hash.sha1": kindSHA1, "process.parent.hash.sha256": kindSHA256,
		"process.parent.hash.sha512": kindSHA512, "process.parent.executable": kindFilename,
		"dll.hash.md5": kindMD5, "dll.hash.sha1": kindSHA1, "dll.hash.sha256": kindSHA256, "dll.hash.sha512": kindSHA512,
		"file.name": kindFilename, "process.executable": kindFilename,
		"email.from.address": kindEmail, "email.to.address": kindEmail, "email.sender.address": kindEmail,
		"email.cc.address": kindEmail, "email.bcc.address": kindEmail, "email.reply_to.address": kindEmail,
		"winlog.event_data":    kindEventData,
		"process.command_line": kindCommandLine, "process.parent.command_line": kindCommandLine,
		"tls.server.hash.sha1": kindX509SHA1, "tls.server.hash.sha256": kindX509SHA256,
		"tls.client.hash.sha1": kindX509SHA1, "tls.client.hash.sha256": kindX509SHA256,
		"tls.client.ja3": kindJA3, "tls.server.ja3s": kindJA3S, "tls.client.ja4": kindJA4,
		"file.x509.serial_number": kindCertMarker, "file.x509.version_number": kindCertMarker,
		"@timestamp": kindTime,
	})

	// sysmonTable covers Sysmon and the Windows Security events that carry addresses or images.
	sysmonTable = newTable(map[string]kind{
		"SourceIp": kindIP, "DestinationIp": kindIP, "SourceAddress": kindIP, "DestAddress": kindIP,
		"IpAddress": kindIP, "ClientAddress": kindIP,
		"DestinationHostname": kindHost, "QueryName": kindHost,
		"QueryResults": kindQueryResults, "Hashes": kindWinHashes, "Hash": kindWinHashes,
		"Image": kindFilename, "ImageLoaded": kindFilename, "TargetFilename": kindFilename,
		"ParentImage": kindFilename, "SourceImage": kindFilename, "TargetImage": kindFilename,
		"OriginalFileName": kindFilename, "NewProcessName": kindFilename, "ParentProcessName": kindFilename,
		"ProcessName": kindFilename, "Application": kindFilename,
		"EventData":   kindEventData,
		"CommandLine": kindCommandLine, "ParentCommandLine": kindCommandLine,
		// UtcTime is Sysmon's own time of the event (inside EventData too); the others are
		// when Windows logged it (TimeCreated), when a collector shipped it (@timestamp) or
		// Azure Log Analytics took it (TimeGenerated).
		"UtcTime": kindTime, "TimeCreated": kindTimeLogged, "@timestamp": kindTimeLogged, "TimeGenerated": kindTimeLogged,
	})

	// zeekTable lists both spellings of Zeek's record fields: "id.orig_h" (JSON logs) and
	// "id_orig_h" (json-streaming via Kafka and others).
	zeekTable = newTable(withUnderscores(map[string]kind{
		"id.orig_h": kindIP, "id.resp_h": kindIP, "src": kindIP, "dst": kindIP,
		"tx_hosts": kindIP, "rx_hosts": kindIP, "data_channel.orig_h": kindIP, "data_channel.resp_h": kindIP,
		"path": kindIP, "x_originating_ip": kindIP,
		"assigned_addr": kindIP, "client_addr": kindIP, "server_addr": kindIP, "requested_addr": kindIP,
		"query": kindHost, "answers": kindHost, "server_name": kindHost,
		"host": kindURLHost, "uri": kindURLPath,
		"san.dns": kindHost, "san.ip": kindIP, "san.email": kindEmail, "san.uri": kindURL,
		"mailfrom": kindEmail, "rcptto": kindEmail, "from": kindEmail, "to": kindEmail, "cc": kindEmail, "reply_to": kindEmail,
		"md5": kindMD5, "sha1": kindSHA1, "sha256": kindSHA256,
		"filename": kindFilename, "orig_filenames": kindFilename, "resp_filenames": kindFilename,
		"mime_type": kindMIME,
		// ssl.log (with the ja3, ja4 and certificate-hash packages) and x509.log
		"cert_chain_fps": kindX509, "client_cert_chain_fps": kindX509, "fingerprint": kindX509,
		"resp_certificate_sha1": kindX509SHA1, "ja3": kindJA3, "ja3s": kindJA3S, "ja4": kindJA4,
		// ts is epoch seconds (Zeek's default JSON) or RFC 3339 (JSON with ISO8601 times);
		// _write_ts is when the record was written.
		"ts": kindTime, "_write_ts": kindTimeLogged,
	}))

	suricataTable = newTable(map[string]kind{
		"src_ip": kindIP, "dest_ip": kindIP,
		"dns.rrname": kindHost, "dns.rdata": kindHost, "dns.query.rrname": kindHost,
		"dns.queries.rrname": kindHost, "dns.answers.rrname": kindHost, "dns.answers.rdata": kindHost,
		"dns.grouped.A": kindIP, "dns.grouped.AAAA": kindIP, "dns.grouped.CNAME": kindHost,
		"tls.sni": kindHost, "quic.sni": kindHost,
		"http.hostname": kindURLHost, "http.url": kindURLPath,
		"fileinfo.md5": kindMD5, "fileinfo.sha1": kindSHA1, "fileinfo.sha256": kindSHA256, "fileinfo.filename": kindFilename,
		"smtp.mail_from": kindEmail, "smtp.rcpt_to": kindEmail,
		"email.from": kindEmail, "email.to": kindEmail, "email.cc": kindEmail,
		"tls.fingerprint": kindX509, "tls.ja3.hash": kindJA3, "tls.ja3s.hash": kindJA3S, "tls.ja4": kindJA4,
		"quic.ja3.hash": kindJA3, "quic.ja4": kindJA4,
		"timestamp": kindTime,
	})

	osqueryTable = newTable(osqueryFields(map[string]kind{
		"remote_address": kindIP, "local_address": kindIP, "address": kindIP,
		"md5": kindMD5, "sha1": kindSHA1, "sha256": kindSHA256,
		"path": kindFilename, "url": kindURL, "domain": kindHost, "hostname": kindHost, "cmdline": kindCommandLine,
	}, map[string]kind{"unixTime": kindTime, "calendarTime": kindCalendarTime}))
)

// withUnderscores adds the underscored spelling of every dotted Zeek field.
func withUnderscores(m map[string]kind) map[string]kind {
	out := make(map[string]kind, 2*len(m))
	for name, k := range m {
		out[name] = k
		out[strings.ReplaceAll(name, ".", "_")] = k
	}
	return out
}

// osqueryFields places the column names under each place osquery puts result rows:
// event-format "columns", snapshot rows and batch-format "diffResults", beside the
// top-level fields of the result itself.
func osqueryFields(cols, top map[string]kind) map[string]kind {
	m := maps.Clone(top)
	for _, where := range []string{"columns", "snapshot", "diffResults.added", "diffResults.removed"} {
		for c, k := range cols {
			m[where+"."+c] = k
		}
	}
	return m
}
