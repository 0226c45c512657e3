package web_test

// reportMatrix is who may have the sector report: any signed-in person (it is
// disclosure-controlled, safe to publish), not a sensor; a bad day is a 4xx for them.
var reportMatrix = []matrixRow{
	{"GET /reports/sector", "", at("/reports/sector"), statuses{ok, ok, ok, ok, ok, forbid, unauth}},
	{"GET /reports/sector", "", at("/reports/sector?from=2026-11-01&to=2026-11-30"), statuses{ok, ok, ok, ok, ok, forbid, unauth}},
	{"GET /reports/sector", "", at("/reports/sector?from=30-11-2026"), statuses{unprocessable, unprocessable, unprocessable, unprocessable, unprocessable, forbid, unauth}},
}

// unprocessable is the answer to a query the caller may send but got wrong.
const unprocessable = 422
