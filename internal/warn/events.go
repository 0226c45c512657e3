package warn

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/valyala/fastjson"
	"github.com/vigil-health/vigil"
)

// Limits on event input.
const (
	MaxProblems    = 20             // problems a Report keeps; later ones are only counted
	MaxDescription = 2000           // characters of an event's description kept; the rest is cut off
	MaxFuture      = 24 * time.Hour // how far an event's time may be ahead of now (clock skew)
)

// Event types partners and scanners commonly send. Any other lower-case word of letters
// and underscores is accepted too; KnownEventType tells the two apart.
const (
	EventCompromise        = "compromise"         // the host is compromised, e.g. talks to a botnet C2
	EventAbuse             = "abuse"              // the host sent abuse: spam, brute force, attacks
	EventVulnerableService = "vulnerable_service" // the host exposes a service with a known vulnerability
	EventOpenPort          = "open_port"          // the host exposes a port that should not be public (RDP, SMB)
	EventPhishing          = "phishing"           // the domain or URL hosts or impersonates for phishing
	EventMalware           = "malware"            // the domain or URL serves malware
	EventScan              = "scan"               // the host scans the internet
	EventBotnet            = "botnet"             // the host is a member of a botnet
	EventBruteForce        = "brute_force"        // the host tries passwords against others
	EventSpam              = "spam"               // the host or domain sends spam
	EventDefacement        = "defacement"         // the website was defaced
	EventLeakedCredentials = "leaked_credentials" // credentials for the domain were published
)

var knownEventTypes = []string{
	EventCompromise, EventAbuse, EventVulnerableService, EventOpenPort, EventPhishing, EventMalware,
	EventScan, EventBotnet, EventBruteForce, EventSpam, EventDefacement, EventLeakedCredentials,
}

// KnownEventType reports whether t is one of the Event* types above.
func KnownEventType(t string) bool {
	for _, k := range knownEventTypes {
		if t == k {
			return true
		}
	}
	return false
}

// Report sums up one stream of events. Lines == Accepted + Rejected + Blank.
type Report struct {
	Lines    int       // lines read
	Accepted int       // events handed to the callback
	Rejected int       // lines refused as malformed
	Blank    int       // lines with nothing but white space, skipped
	Problems []Problem // the first MaxProblems rejected lines, in input order
}

// Problem says why one line was rejected.
type Problem struct {
	// Line is the line number, counting from 1.
	Line int
	// Message says what is wrong in words a person can act on.
	Message string
}

// String returns "line 7: <message>".
func (p Problem) String() string {
	return "line " + strconv.Itoa(p.Line) + ": " + p.Message
}

func (rep *Report) reject(line int, msg string) {
	rep.Rejected++
	if len(rep.Problems) < MaxProblems {
		rep.Problems = append(rep.Problems, Problem{Line: line, Message: msg})
	}
}

// Parser reads the NDJSON threat events partners and scanners send. The zero Parser is
// ready to use; set Now to fix the clock in tests.
type Parser struct {
	// Now returns the current time, against which event times are checked; nil means time.Now.
	Now func() time.Time
}

// ParseEvents is Parser{}.Parse: it parses events against the real clock.
func ParseEvents(r io.Reader, fn func(line int, ev vigil.ThreatEvent)) (Report, error) {
	return Parser{}.Parse(r, fn)
}

// Parse reads NDJSON threat events from r, one JSON object per line, and calls fn with each
// valid event and its line number (from 1), in order; fn may be nil to only validate.
// Lines of up to MaxLineBytes are read, "\r\n" endings and a leading byte-order mark
// are allowed, blank lines are skipped.
//
// Each line is an object with these keys (others are ignored):
//
//	type         required  a lower-case word of letters and underscores, at most 40 long
//	                       (see the Event* constants)
//	observable   required  an IP address, domain or URL, normalised by internal/ioc; not a
//	                       network, hash or email address
//	time         required  RFC 3339, at most MaxFuture ahead of Now; stored in UTC
//	source       required  the partner or scanner, at most 200 characters
//	severity     required  low, medium, high or critical, in any case; there is no default,
//	                       because guessing urgency wrong either wakes people or hides a fire
//	port         optional  a whole number 1-65535
//	service      optional  a service name such as rdp, at most 200 characters
//	cve          optional  CVE-YYYY-NNNN (four or more digits), in any case; stored upper-case
//	description  optional  free text; cut to MaxDescription characters
//	tlp          optional  how far the event may be shared: CLEAR, GREEN, AMBER,
//	                       AMBER+STRICT or RED, as vigil.ParseTLP reads them; GREEN when
//	                       absent. The alerts it raises carry it.
//
// A line that breaks a rule is counted in Report.Rejected and, among the first
// MaxProblems, described in Report.Problems with every rule it breaks; the other lines
// are still read. The error is only for a failure to read r; the Report then covers the
// lines read before it.
func (p Parser) Parse(r io.Reader, fn func(line int, ev vigil.ThreatEvent)) (Report, error) {
	now := p.Now
	if now == nil {
		now = time.Now
	}
	lr := newLineReader(r)
	var jp fastjson.Parser
	var rep Report
	for {
		line, tooLong, err := lr.next()
		if errors.Is(err, io.EOF) {
			return rep, nil
		}
		if err != nil {
			return rep, fmt.Errorf("read events after line %d: %w", rep.Lines, err)
		}
		rep.Lines++
		if rep.Lines == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		switch {
		case tooLong:
			rep.reject(rep.Lines, "the line is longer than 1 MiB; send one event per line, with a shorter description")
		case isBlank(line):
			rep.Blank++
		default:
			ev, msg := parseEvent(&jp, line, now())
			if msg != "" {
				rep.reject(rep.Lines, msg)
				continue
			}
			rep.Accepted++
			if fn != nil {
				fn(rep.Lines, ev)
			}
		}
	}
}

func isBlank(b []byte) bool {
	return len(bytes.TrimLeft(b, " \t\r\n")) == 0
}
