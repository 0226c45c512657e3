// Package warn is the Early Warning engine: it tells an organisation when something of its
// own shows up in someone else's threat data. It routes a third-party threat event ("this
// IP talks to a botnet", "this host exposes RDP") to the organisation that registered the
// IP range or domain, finds which organisations a feed indicator touches, parses and
// validates the NDJSON events partners and scanners send, and keys alerts for
// deduplication. It has no HTTP and no database: it takes and returns domain values.
//
// # Routing
//
// A [Router] is compiled once from every organisation's asset claims ([vigil.AssetClaim]) by
// [NewRouter], which also reports claims by different organisations that overlap
// ([Overlap]) for an analyst to review. [Router.Route] answers "whose is this observable?"
// with the single most specific owner (longest prefix, longest domain suffix);
// [Router.Covering] answers "whose assets does this indicator touch?" with every
// organisation whose ranges or domains overlap it.
//
// # Concurrency
//
// A Router is immutable once NewRouter returns: Route, Covering and the other methods are
// safe for any number of concurrent callers and take no locks. To change the claims, build
// a new Router and publish it with [Holder.Store]; a Holder is an atomic pointer, so
// readers that call [Holder.Load] see either the old or the new Router, never a mix, and
// never nil. There are no locks in the package, so there is no lock order.
//
// [Parser] holds only configuration; [Parser.Parse] keeps its state on its own call, so
// one Parser may parse several streams at once provided its Now function is safe to call
// concurrently. Parse calls its callback on the calling goroutine, one event at a time,
// in input order.
package warn
