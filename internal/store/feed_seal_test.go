package store_test

import (
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// Feed credentials are sealed at rest: the database never holds them in clear, the
// server reads them back, and a store with another secret cannot.
func TestFeedCredentialsAreSealedAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		s.SetCredentialKey([]byte("first-secret-0123456789abcdef0123"))
		f, err := s.CreateFeed(ctx, vigil.Feed{Name: "partner", Kind: vigil.FeedURL, URL: "https://intel.example/list.txt",
			Username: "isac-user", Password: "pa55-Word-in-clear", Token: "tok-in-clear", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		if f.Username != "isac-user" || f.Password != "pa55-Word-in-clear" || f.Token != "tok-in-clear" {
			t.Errorf("read back %q %q %q, want the credentials as given", f.Username, f.Password, f.Token)
		}
		for _, secret := range []string{"pa55-Word-in-clear", "tok-in-clear", "isac-user"} {
			if found, err := s.TableContains(ctx, "feeds", secret); err != nil || found {
				t.Errorf("feeds table holds %q in clear (err %v)", secret, err)
			}
		}
		s.SetCredentialKey([]byte("other-secret-0123456789abcdef0123"))
		other, err := s.GetFeed(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if other.Password == "pa55-Word-in-clear" || !other.HasCredentials() {
			t.Errorf("with another secret: password %q, has credentials %v; want it unreadable but present",
				other.Password, other.HasCredentials())
		}
	})
}
