package demo

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
)

// What the sector's people have done by the time someone tries the demo, so that every
// page has something to show: the trust's administrator has claimed two addresses (one
// overlaps a GP practice's network) and dealt with two alerts; three of the care-plan
// supplier's care homes looked up the same phishing site, one problem in the supplier's
// grouped view.

// Claims the trust's administrator made, waiting for the sector centre.
var (
	// trustClaim is a new site's line, in space nobody holds: a plain claim to approve.
	trustClaim = vigil.Asset{Kind: vigil.AssetIPRange, Value: "198.51.100.176/29"}
	// trustOverlapClaim is Castle Street Medical Centre's network, which the trust runs
	// for the practice on its hospital site: a claim that overlaps another's.
	trustOverlapClaim = vigil.Asset{Kind: vigil.AssetIPRange, Value: "192.0.2.136/29"}
)

// The trust's alerts its administrator has dealt with: one acknowledged, one resolved.
const (
	trustAckObservable     = "192.0.2.10"
	trustResolveObservable = "192.0.2.7"
	trustResolveNote       = "192.0.2.7 is the guest Wi-Fi gateway in outpatients. We found a visitor's infected laptop on it, " +
		"blocked the device, rebuilt the gateway and turned on client isolation."
)

// dnsCareHomes are the care homes whose protective DNS (run for them by their care-plan
// supplier) saw the phishing site; all are customers of SupplierODS.
var dnsCareHomes = []string{"1-101000009", "1-101000014", "1-101000020"}

// careDNS is the care homes' DNS log.
const careDNS = "data/telemetry/care-homes-dns.ndjson"

// people does what the demo's people have done, through the same use cases as they
// would, after the sample data is in.
func people(ctx context.Context, a *app.App, now time.Time, res *Result) error {
	admin, err := loginPrincipal(vigil.RoleOrgAdmin, TrustODS)
	if err != nil {
		return err
	}
	for _, c := range []vigil.Asset{trustClaim, trustOverlapClaim} {
		if _, err := a.Orgs.Update(ctx, admin, TrustODS, vigil.OrgPatch{AddAssets: []vigil.Asset{c}}); err != nil {
			return fmt.Errorf("demo: the trust's claim of %s: %w", c.Value, err)
		}
	}
	for _, ods := range dnsCareHomes {
		dns := vigil.Principal{Email: "demo protective DNS", Role: vigil.RoleSensor, Org: ods}
		tr, err := a.Sightings.IngestTelemetry(ctx, dns, bytes.NewReader(file(careDNS, now)))
		if err != nil {
			return fmt.Errorf("demo: DNS log of %s: %w", ods, err)
		}
		res.Telemetry = append(res.Telemetry, tr)
	}
	ack, err := trustAlert(ctx, a, admin, trustAckObservable)
	if err != nil {
		return err
	}
	if _, err := a.Alerts.Ack(ctx, admin, ack); err != nil {
		return fmt.Errorf("demo: acknowledge alert %d: %w", ack, err)
	}
	fixed, err := trustAlert(ctx, a, admin, trustResolveObservable)
	if err != nil {
		return err
	}
	if _, err := a.Alerts.Resolve(ctx, admin, fixed, trustResolveNote); err != nil {
		return fmt.Errorf("demo: resolve alert %d: %w", fixed, err)
	}
	return seedIncidents(ctx, a, now)
}

// loginPrincipal is the demo login of role at org, as it acts once signed in.
func loginPrincipal(role vigil.Role, org string) (vigil.Principal, error) {
	for _, l := range Logins() {
		if l.Role == role && l.Org == org {
			return vigil.Principal{Email: l.Email, Role: l.Role, Org: l.Org}, nil
		}
	}
	return vigil.Principal{}, fmt.Errorf("demo: no %s login at %s", role, org)
}

// trustAlert is the id of the trust's Early Warning alert about the address obs, which
// the sample data raises.
func trustAlert(ctx context.Context, a *app.App, p vigil.Principal, obs string) (int64, error) {
	list, _, err := a.Alerts.List(ctx, p, vigil.AlertFilter{Org: TrustODS, Limit: vigil.MaxLimit})
	if err != nil {
		return 0, fmt.Errorf("demo: the trust's alerts: %w", err)
	}
	for _, al := range list {
		if al.Observable == obs && al.Kind == vigil.AlertEarlyWarning {
			return al.ID, nil
		}
	}
	return 0, fmt.Errorf("demo: the sample data raised no Early Warning alert about %s for the trust", obs)
}
