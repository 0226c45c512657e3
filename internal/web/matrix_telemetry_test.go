package web_test

// telemetryMatrix is who may call the telemetry operations. Only a sensor pushes, and
// always for its own organisation (its token names it), so the push has no "other" row.
// Sightings are read like alerts: organisation roles see their own, a supplier its
// customers', sector roles all.
var telemetryMatrix = []matrixRow{
	{"POST /telemetry", "own", func(*fixture, string) (string, any) {
		return "/telemetry", `{"_path":"dns","id.orig_h":"192.0.2.10","query":"matrix.example"}` + "\n"
	}, statuses{forbid, forbid, forbid, forbid, forbid, ok, unauth}},
	{"GET /sightings", "", at("/sightings"), statuses{ok, ok, ok, ok, ok, forbid, unauth}},
	{"GET /sightings", "own", at("/sightings?org=" + ownOrg), statuses{ok, ok, ok, ok, ok, forbid, unauth}},
	{"GET /sightings", "other", at("/sightings?org=" + otherOrg), statuses{ok, ok, notFound, notFound, notFound, forbid, unauth}},
	{"GET /sightings", "supplier", at("/sightings?org=" + supOrg), statuses{ok, ok, notFound, notFound, ok, forbid, unauth}},
}
