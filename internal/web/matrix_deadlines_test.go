package web_test

// deadlineMatrix is who may read alerts' history and the sector's time-to-acknowledge
// figures: the history as the alert itself (GET /alerts/{id}), the figures the centre only.
var deadlineMatrix = []matrixRow{
	{"GET /alerts/{id}/history", "own", onAlert(ownOrg, "/history", nil), statuses{ok, ok, ok, ok, ok, forbid, unauth}},
	{"GET /alerts/{id}/history", "other", onAlert(otherOrg, "/history", nil), statuses{ok, ok, notFound, notFound, notFound, forbid, unauth}},
	{"GET /alerts/{id}/history", "supplier", onAlert(supOrg, "/history", nil), statuses{ok, ok, notFound, notFound, ok, forbid, unauth}},
	{"GET /alerts/ack-times", "", at("/alerts/ack-times"), statuses{ok, ok, forbid, forbid, forbid, forbid, unauth}},
	{"GET /alerts", "own", at("/alerts?overdue=acknowledge&org=" + ownOrg), statuses{ok, ok, ok, ok, ok, forbid, unauth}},
	{"GET /alerts", "other", at("/alerts?overdue=remediate&org=" + otherOrg), statuses{ok, ok, notFound, notFound, notFound, forbid, unauth}},
}
