package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/api"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

// statuses are the expected answers for the callers in roles' order: sector_admin,
// sector_analyst, org_admin, org_member, supplier, sensor, anonymous.
type statuses [7]int

// Statuses, short, so that the table reads as a table.
const (
	ok       = http.StatusOK
	created  = http.StatusCreated
	noBody   = http.StatusNoContent
	unauth   = http.StatusUnauthorized
	forbid   = http.StatusForbidden
	notFound = http.StatusNotFound
)

// matrixRow is one operation, on one organisation's resource where that matters,
// with who may call it.
type matrixRow struct {
	op      string // "METHOD /path" as the OpenAPI document names it, under /api/v1
	whose   string // own: RXA (the org roles' and sensor's, a supplier's customer); other: RXB; supplier: YSUP1
	request func(f *fixture, role string) (path string, body any)
	want    statuses
}

// at is a request for a fixed path without a body.
func at(path string) func(*fixture, string) (string, any) {
	return func(*fixture, string) (string, any) { return path, nil }
}

// onAlert is a request about a fresh alert of org, so that acknowledging or resolving
// it as one role does not change the answer for the next.
func onAlert(org, verb string, body any) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		return fmt.Sprintf("/alerts/%d%s", f.alert(org, vigil.TLPAmber), verb), body
	}
}

// authorizationMatrix is who may call what. Every operation in the OpenAPI document
// needs at least one row: TestAuthorizationMatrix fails for one without, so that no
// endpoint is added without deciding who may call it.
var authorizationMatrix = slices.Concat(coreMatrix, intelMatrix, warningMatrix, telemetryMatrix, deadlineMatrix, notifyMatrix, incidentMatrix, postureMatrix, reportMatrix, inventoryMatrix, exposureMatrix, sectorMatrix)

// coreMatrix covers sessions, organisations, alerts, tokens and the audit log.
var coreMatrix = []matrixRow{
	{"POST /session", "", func(f *fixture, _ string) (string, any) {
		return "/session", map[string]string{"email": f.users["other_admin"].Email, "password": password}
	}, statuses{ok, ok, ok, ok, ok, forbid, ok}},
	{"DELETE /session", "", at("/session"), statuses{noBody, noBody, noBody, noBody, noBody, forbid, noBody}},
	{"GET /me", "", at("/me"), statuses{ok, ok, ok, ok, ok, forbid, unauth}},
	{"PUT /session/password", "", changePassword, statuses{ok, ok, ok, ok, ok, forbid, unauth}},

	{"POST /orgs", "", func(f *fixture, _ string) (string, any) {
		return "/orgs", map[string]any{"ods_code": f.unique("VN"), "name": "Care Home", "kind": "care_provider"}
	}, statuses{created, created, forbid, forbid, forbid, forbid, unauth}},
	{"GET /orgs", "", at("/orgs"), statuses{ok, ok, ok, ok, ok, forbid, unauth}},
	{"GET /orgs/{ods}", "own", at("/orgs/" + ownOrg), statuses{ok, ok, ok, ok, ok, forbid, unauth}},
	{"GET /orgs/{ods}", "other", at("/orgs/" + otherOrg), statuses{ok, ok, notFound, notFound, notFound, forbid, unauth}},
	{"GET /orgs/{ods}", "supplier", at("/orgs/" + supOrg), statuses{ok, ok, notFound, notFound, ok, forbid, unauth}},
	{"PATCH /orgs/{ods}", "own", patchOrg(ownOrg), statuses{ok, ok, ok, forbid, forbid, forbid, unauth}},
	{"PATCH /orgs/{ods}", "other", patchOrg(otherOrg), statuses{ok, ok, notFound, forbid, forbid, forbid, unauth}},
	{"PATCH /orgs/{ods}", "supplier", patchOrg(supOrg), statuses{ok, ok, notFound, forbid, forbid, forbid, unauth}},
	{"GET /overlaps", "", at("/overlaps"), statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}},
	{"GET /assets", "", at("/assets?status=pending"), statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}},
	{"POST /assets/{id}/approve", "own", onClaim(ownOrg, "approve"), statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}},
	{"POST /assets/{id}/reject", "own", onClaim(ownOrg, "reject"), statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}},

	{"GET /alerts", "", at("/alerts"), statuses{ok, ok, ok, ok, ok, forbid, unauth}},
	{"GET /alerts/{id}", "own", onAlert(ownOrg, "", nil), statuses{ok, ok, ok, ok, ok, forbid, unauth}},
	{"GET /alerts/{id}", "other", onAlert(otherOrg, "", nil), statuses{ok, ok, notFound, notFound, notFound, forbid, unauth}},
	{"GET /alerts/{id}", "supplier", onAlert(supOrg, "", nil), statuses{ok, ok, notFound, notFound, ok, forbid, unauth}},
	{"POST /alerts/{id}/ack", "own", onAlert(ownOrg, "/ack", nil), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"POST /alerts/{id}/ack", "other", onAlert(otherOrg, "/ack", nil), statuses{ok, ok, notFound, notFound, forbid, forbid, unauth}},
	{"POST /alerts/{id}/resolve", "own", onAlert(ownOrg, "/resolve", map[string]string{"note": "Done."}), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"POST /alerts/{id}/resolve", "other", onAlert(otherOrg, "/resolve", map[string]string{"note": "Done."}), statuses{ok, ok, notFound, notFound, forbid, forbid, unauth}},

	{"POST /tokens", "", func(f *fixture, _ string) (string, any) {
		return "/tokens", map[string]any{"name": f.unique("matrix")}
	}, statuses{created, created, created, created, created, forbid, unauth}},
	{"POST /tokens", "own", func(*fixture, string) (string, any) {
		return "/tokens", map[string]any{"sensor": true, "org": ownOrg}
	}, statuses{created, forbid, created, forbid, forbid, forbid, unauth}},
	{"POST /tokens", "other", func(*fixture, string) (string, any) {
		return "/tokens", map[string]any{"sensor": true, "org": otherOrg}
	}, statuses{created, forbid, forbid, forbid, forbid, forbid, unauth}},
	{"GET /tokens", "", at("/tokens"), statuses{ok, ok, ok, ok, ok, forbid, unauth}},
	{"DELETE /tokens/{id}", "own", func(f *fixture, role string) (string, any) {
		if role == "sensor" || role == "anonymous" {
			role = "org_admin"
		}
		_, id := f.token(role)
		return fmt.Sprintf("/tokens/%d", id), nil
	}, statuses{noBody, noBody, noBody, noBody, noBody, forbid, unauth}},
	{"DELETE /tokens/{id}", "own sensor", func(f *fixture, _ string) (string, any) {
		_, t, err := f.store.CreateToken(context.Background(), vigil.NewToken{SensorOrg: ownOrg, Name: f.unique("sensor")})
		if err != nil {
			f.t.Fatal(err)
		}
		return fmt.Sprintf("/tokens/%d", t.ID), nil
	}, statuses{noBody, notFound, noBody, notFound, notFound, forbid, unauth}},
	{"DELETE /tokens/{id}", "other", func(f *fixture, _ string) (string, any) {
		_, id := f.token("other_admin")
		return fmt.Sprintf("/tokens/%d", id), nil
	}, statuses{noBody, notFound, notFound, notFound, notFound, forbid, unauth}},

	{"GET /users", "", at("/users?role=org_admin"), statuses{ok, forbid, forbid, forbid, forbid, forbid, unauth}},

	{"GET /audit", "", at("/audit"), statuses{ok, forbid, forbid, forbid, forbid, forbid, unauth}},
	{"GET /audit/verify", "", at("/audit/verify"), statuses{ok, forbid, forbid, forbid, forbid, forbid, unauth}},
}

// onClaim is a decision on a fresh pending asset of org, so that approving or rejecting
// it as one role does not change the answer for the next.
func onClaim(org, verb string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		return fmt.Sprintf("/assets/%d/%s", f.claim(org), verb), map[string]string{"note": "Checked."}
	}
}

// changePassword changes the role's own password from the shared test password, set
// back first so that every role starts from it.
func changePassword(f *fixture, role string) (string, any) {
	if u, ok := f.users[role]; ok {
		if err := f.store.SetPassword(context.Background(), u, password); err != nil {
			f.t.Fatal(err)
		}
	}
	return "/session/password", map[string]string{"current_password": password, "new_password": f.unique("a matrix passphrase number ")}
}

func patchOrg(ods string) func(*fixture, string) (string, any) {
	return func(*fixture, string) (string, any) { return "/orgs/" + ods, map[string]any{"region": "London"} }
}

// plainRoutes are the server's routes outside the API document that are open to everyone;
// /metrics, also outside it, is for the sector centre's staff.
var plainRoutes = []string{"/healthz", "/readyz", "/api/v1/openapi.json", "/api/v1/docs"}

func TestAuthorizationMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		t.Run("every operation has rows", func(t *testing.T) {
			missing, stale := coverage(f.operations(t), authorizationMatrix)
			for _, op := range missing {
				t.Errorf("%s is in the OpenAPI document but not in authorizationMatrix: decide who may call it (every role, own and other organisation) and add rows", op)
			}
			for _, op := range stale {
				t.Errorf("the matrix has rows for %s, which the OpenAPI document does not have: remove them", op)
			}
		})
		for _, row := range authorizationMatrix {
			name := row.op
			if row.whose != "" {
				name += " " + row.whose
			}
			t.Run(name, func(t *testing.T) {
				method, _, _ := strings.Cut(row.op, " ")
				for i, role := range roles {
					path, body := row.request(f, role)
					r := f.do(method, "/api/v1"+path, body, f.as(role))
					if r.status != row.want[i] {
						t.Errorf("%s: %s %s = %d, want %d: %s", role, method, path, r.status, row.want[i], r.body)
						continue
					}
					if r.status >= 400 {
						r.problem(t)
					}
				}
			})
		}
		t.Run("plain routes", func(t *testing.T) {
			metrics := statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}
			for i, role := range roles {
				if r := f.do("GET", "/metrics", nil, f.as(role)); r.status != metrics[i] {
					t.Errorf("%s: GET /metrics = %d, want %d", role, r.status, metrics[i])
				}
			}
			for _, path := range plainRoutes {
				for _, role := range roles {
					if r := f.do("GET", path, nil, f.as(role)); r.status != ok {
						t.Errorf("%s: GET %s = %d, want 200", role, path, r.status)
					}
				}
			}
		})
	})
}

// coverage returns the documented operations without rows, and the rows' operations
// that are not documented.
func coverage(documented []string, rows []matrixRow) (missing, stale []string) {
	covered := map[string]bool{}
	for _, row := range rows {
		if !covered[row.op] && !slices.Contains(documented, row.op) {
			stale = append(stale, row.op)
		}
		covered[row.op] = true
	}
	for _, op := range documented {
		if !covered[op] {
			missing = append(missing, op)
		}
	}
	return missing, stale
}

// TestMatrixCatchesNewOperations checks the check: an operation registered the way
// other packages will (api.Register) shows up as missing from the matrix.
func TestMatrixCatchesNewOperations(t *testing.T) {
	f := startServer(t, storetest.Open(t), web.Deps{})
	api.Register(f.srv.API(), huma.Operation{OperationID: "canary", Method: http.MethodGet, Path: "/canary"},
		api.Access{Roles: []vigil.Role{vigil.RoleSectorAdmin}},
		func(context.Context, *struct{}) (*struct{}, error) { return nil, nil })
	missing, stale := coverage(f.operations(t), authorizationMatrix)
	if !slices.Equal(missing, []string{"GET /canary"}) || len(stale) != 0 {
		t.Errorf("missing %v, stale %v; want only GET /canary missing", missing, stale)
	}
}

// operations reads the API's operations ("METHOD /path") from its OpenAPI document.
func (f *fixture) operations(t *testing.T) []string {
	t.Helper()
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Servers []struct{ URL string }               `json:"servers"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	r := f.do("GET", "/api/v1/openapi.json", nil, noAuth)
	r.decode(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.1") || len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Fatalf("OpenAPI %q servers %v: want 3.1 served from /api/v1", doc.OpenAPI, doc.Servers)
	}
	var ops []string
	for path, item := range doc.Paths {
		for method := range item {
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				ops = append(ops, strings.ToUpper(method)+" "+path)
			}
		}
	}
	slices.Sort(ops)
	if len(ops) == 0 {
		t.Fatal("the OpenAPI document has no operations")
	}
	return ops
}
