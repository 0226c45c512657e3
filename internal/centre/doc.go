// Package centre runs the sector security centre's live flows: it carries threat
// intelligence, partners' threat events and organisations' telemetry from the API into the
// store, keeps the live matcher snapshot and the asset router current, and raises alerts
// (Early Warning, sightings, retro-hunts). It is the only package that joins the engines
// (intel, match, telemetry, warn) to the store; the API calls it, and it never imports the
// API or the web layer.
//
// # Concurrency
//
// A [Service] is safe for concurrent use. The matcher snapshot and the asset router are
// immutable values behind atomic holders ([match.Holder], [warn.Holder]): readers load the
// current one once per unit of work and never lock; writers build a new one off to the side
// and swap it in. Rebuilds of each are serialised by their own mutex so that two changes
// close together cannot publish an older result over a newer one. Telemetry uploads are
// admitted by a counting semaphore (Deps.TelemetryConcurrency): a full one answers
// [ErrBusy] at once instead of queueing, so a flood of sensors gets 429s, not timeouts.
// Writes go through the store in short transactions whose keys are upserted in sorted
// order, so that concurrent uploads do not deadlock on PostgreSQL. Background work (feed
// pulls, the digest, housekeeping, the periodic router rebuild) runs only inside
// [Service.Run], which returns when its context ends.
package centre
