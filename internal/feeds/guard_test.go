package feeds

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
)

// loopback is the allow-list the tests' servers on 127.0.0.1 need.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}

func TestRefused(t *testing.T) {
	tests := []struct {
		addr  string
		allow string // a prefix, or ""
		want  bool
	}{
		{"127.0.0.1", "", true},
		{"127.9.9.9", "", true},
		{"10.20.30.40", "", true},
		{"172.16.5.5", "", true},
		{"192.168.1.1", "", true},
		{"169.254.169.254", "", true},
		{"100.64.0.1", "", true},
		{"100.100.100.200", "", true},
		{"0.0.0.0", "", true},
		{"::1", "", true},
		{"::ffff:127.0.0.1", "", true},
		{"fd00:ec2::254", "", true},
		{"fe80::1", "", true},
		{"64:ff9b::a00:1", "", true},
		{"198.51.100.7", "", false},
		{"8.8.8.8", "", false},
		{"2001:4860:4860::8888", "", false},
		{"10.20.30.40", "10.20.0.0/16", false},
		{"10.21.30.40", "10.20.0.0/16", true},
		{"::ffff:10.20.30.40", "10.20.0.0/16", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr+" allow "+tt.allow, func(t *testing.T) {
			var allow []netip.Prefix
			if tt.allow != "" {
				allow = []netip.Prefix{netip.MustParsePrefix(tt.allow)}
			}
			if got := Refused(netip.MustParseAddr(tt.addr), allow); got != tt.want {
				t.Errorf("Refused(%s, %v) = %v, want %v", tt.addr, allow, got, tt.want)
			}
		})
	}
}

// The check is on the address dialled, so names and redirects cannot get round it, and
// the error says nothing of what is there.
func TestFetchRefusesPrivateAddresses(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "http://127.0.0.2:1/list.txt", http.StatusFound)
			return
		}
		w.Write([]byte("198.51.100.7\n"))
	}))
	t.Cleanup(ts.Close)
	only1 := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	tests := []struct {
		name   string
		client *http.Client
		feed   vigil.Feed
		ok     bool
	}{
		{"default client, loopback", nil, urlFeed(ts.URL + "/list.txt"), false},
		{"loopback by name", NewClient(nil, nil), urlFeed(strings.Replace(ts.URL, "127.0.0.1", "localhost", 1) + "/list.txt"), false},
		{"closed port", NewClient(nil, nil), urlFeed("http://127.0.0.1:1/list.txt"), false},

		{"TAXII root on loopback", NewClient(nil, nil), vigil.Feed{Name: "t", Kind: vigil.FeedTAXII, URL: ts.URL + "/taxii2/", Collection: "c"}, false},
		{"MISP feed on loopback", NewClient(nil, nil), vigil.Feed{Name: "m", Kind: vigil.FeedMISPFeed, URL: ts.URL + "/feed"}, false},
		{"allowed", NewClient(ts.Client(), only1), urlFeed(ts.URL + "/list.txt"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Fetch(context.Background(), tt.client, tt.feed, intel.Options{}, State{}, func(vigil.Indicator) {})
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrPrivateAddress) || !strings.HasSuffix(err.Error(), ": refused: private address") {
				t.Fatalf("Fetch: %v, want it refused as a private address", err)
			}
			for _, leak := range []string{"dial", "connection refused", "127.0.0.2"} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("error %q tells what is there (%q)", err, leak)
				}
			}
		})
	}
}

// A redirect to a refused address is reported as such, naming where the source sent
// vigil (host only) rather than as if the feed's own URL were internal.
func TestFetchNamesARefusedRedirect(t *testing.T) {
	ts := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://admin:s3cret@169.254.169.254:80/latest/meta-data/", http.StatusFound)
	}))
	_, err := Fetch(context.Background(), NewClient(ts.Client(), loopback), urlFeed(ts.URL+"/list.txt"), intel.Options{}, State{}, func(vigil.Indicator) {})
	var rr *RedirectRefusedError
	if !errors.As(err, &rr) || rr.Host != "169.254.169.254" || !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("Fetch: %v, want the redirect to 169.254.169.254 refused", err)
	}
	why := FailureReason(err, feedAllowSetting)
	if !strings.Contains(why, "the source redirected to 169.254.169.254") {
		t.Errorf("reason %q does not name the redirect target", why)
	}
	for _, leak := range []string{"s3cret", "admin", "feed_allow_private", "meta-data", "dial"} {
		if strings.Contains(err.Error()+why, leak) {
			t.Errorf("error %q / reason %q shows %q", err, why, leak)
		}
	}
}

// A pull unpacks no more than its cap, every file of a MISP feed together.
func TestFetchLimited(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 5000 {
			fmt.Fprintf(w, "198.51.%d.%d\n", i>>8, i&255)
		}
	}))
	t.Cleanup(ts.Close)
	_, err := FetchLimited(context.Background(), NewClient(ts.Client(), loopback), 16<<10, urlFeed(ts.URL+"/list.txt"), intel.Options{}, State{}, func(vigil.Indicator) {})
	var tooBig *intel.TooLargeError
	if !errors.As(err, &tooBig) || tooBig.Limit != 16<<10 || !strings.Contains(err.Error(), "16384 bytes") {
		t.Fatalf("FetchLimited: %v, want too large naming 16384 bytes", err)
	}
	if _, err := FetchLimited(context.Background(), NewClient(ts.Client(), loopback), 1<<20, urlFeed(ts.URL+"/list.txt"), intel.Options{}, State{}, func(vigil.Indicator) {}); err != nil {
		t.Errorf("FetchLimited under the cap: %v", err)
	}
}

// A TAXII pull's pages count against the same cap.
func TestFetchLimitedTAXII(t *testing.T) {
	_, f, _ := taxiiServer(t)
	_, err := FetchLimited(context.Background(), NewClient(nil, loopback), 1<<10, f, intel.Options{}, State{}, func(vigil.Indicator) {})
	var tooBig *intel.TooLargeError
	if !errors.As(err, &tooBig) || tooBig.Limit != 1<<10 {
		t.Fatalf("FetchLimited: %v, want too large naming 1024 bytes", err)
	}
	if _, err := FetchLimited(context.Background(), NewClient(nil, loopback), 1<<20, f, intel.Options{}, State{}, func(vigil.Indicator) {}); err != nil {
		t.Errorf("FetchLimited under the cap: %v", err)
	}
}
