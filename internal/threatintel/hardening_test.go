package threatintel_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// loopback is the allow-list the tests' feed servers on 127.0.0.1 need.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}

// refusedInternal is how a feed's last error words a refused internal address
// (feeds.FailureReason).
const refusedInternal = "the address is refused as internal (loopback, private, link-local or similar); " +
	"an administrator can allow its network with feed_allow_private in the server's configuration"

// A feed cannot reach internal addresses: the pull is refused before it connects, the
// feed's error says only so, whatever is listening there.
func TestFeedPullRefusesPrivateAddresses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("192.0.2.7\n"))
		}))
		t.Cleanup(srv.Close)
		tests := []struct {
			name  string
			url   string
			allow []netip.Prefix
			want  string // "" for a pull that succeeds
		}{
			{"loopback, closed port", "http://127.0.0.1:1/list.txt", nil, refusedInternal},
			{"loopback, the server's own API", srv.URL + "/api/v1/feeds", nil, refusedInternal},
			{"a name that resolves to loopback", strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/list.txt", nil, refusedInternal},
			{"cloud metadata", "http://169.254.169.254/latest/meta-data/", nil, refusedInternal},
			{"a private network", "http://10.1.2.3:8080/list.txt", nil, refusedInternal},
			{"CGNAT", "http://100.64.0.1/list.txt", nil, refusedInternal},
			{"IPv6 loopback", "http://[::1]:1/list.txt", nil, refusedInternal},
			// A redirect to one is named as such: TestFeedPullErrorIsWorded.
			{"allowed by the allow-list", srv.URL + "/list.txt", loopback, ""},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := threatintel.New(threatintel.Deps{Store: s, AllowPrivate: tt.allow})
				f, err := s.CreateFeed(ctx, vigil.Feed{Name: "internal-" + string(rune('a'+i)), Kind: vigil.FeedURL, URL: tt.url, Enabled: true})
				if err != nil {
					t.Fatal(err)
				}
				got, err := c.PullFeed(ctx, analyst, f.ID)
				if err != nil {
					t.Fatal(err)
				}
				if tt.want == "" {
					if got.Status != vigil.FeedOK {
						t.Errorf("feed %+v: want ok", got)
					}
					return
				}
				if got.Status != vigil.FeedError || !strings.HasSuffix(got.LastError, ": "+tt.want) {
					t.Errorf("last error %q, want one ending %q", got.LastError, tt.want)
				}
				for _, leak := range []string{"connection refused", "dial", "127.0.0.2", "format", "not a supported"} {
					if strings.Contains(got.LastError, leak) {
						t.Errorf("last error %q tells what is there (%q)", got.LastError, leak)
					}
				}
			})
		}
	})
}

func gz(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An upload unpacks one gzip layer at most and no more than MaxIntelBytes; the error
// names the limit.
func TestUploadUnpackLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := threatintel.New(threatintel.Deps{Store: s, MaxIntelBytes: 64 << 10})
		list := []byte("192.0.2.7\nevil.example\n")
		bomb := gz(t, make([]byte, 4<<20))
		tests := []struct {
			name     string
			data     []byte
			code     string
			tooLarge bool
			want     string
		}{
			{"one gzip layer", gz(t, list), "", false, ""},
			{"gzip inside gzip", gz(t, gz(t, list)), vigil.EINVALID, false, "one gzip layer"},
			{"a gzip bomb", bomb, vigil.EINVALID, true, "65536 bytes"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := c.Import(t.Context(), analyst, threatintel.Upload{Source: "partner", Name: "l.txt.gz"}, bytes.NewReader(tt.data))
				var tooLarge *intel.TooLargeError
				switch {
				case vigil.ErrorCode(err) != tt.code:
					t.Fatalf("Import: %v, want code %q", err, tt.code)
				case errors.As(err, &tooLarge) != tt.tooLarge:
					t.Errorf("Import: %v, want a TooLargeError: %v", err, tt.tooLarge)
				case !strings.Contains(vigil.ErrorMessage(err), tt.want):
					t.Errorf("Import message %q, want it to say %q", vigil.ErrorMessage(err), tt.want)
				}
			})
		}
	})
}
