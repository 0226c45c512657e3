package taxii

import (
	"context"
	"time"

	"github.com/vigil-health/vigil/internal/intel"
)

// Pull fetches the objects added to a collection after addedAfter (zero: all of them),
// in pages of DefaultPageLimit objects, and feeds each page to intel.ParseSTIXWith as
// file "taxii:<collection id>"; indicators that name no source are credited to that
// name. A page ParseSTIX cannot read is recorded in the sink as failed and the pull goes
// on.
//
// refs carries identities and markings across the pages, so a marking-definition sent on
// page 1 marks the indicators of page 3; give it what earlier pulls of the feed learnt
// (nil starts afresh). Indicators waiting for a reference sent later are handed to the
// sink when Pull succeeds, with whatever is known by then.
//
// Pull returns the newest X-TAXII-Date-Added-Last it saw, or addedAfter when it saw none:
// store it and pass it as addedAfter next time. On an error it returns the newest time
// up to which every indicator was handed over, so a pull stopped part way resumes where
// it stopped; the indicators still waiting then are dropped, not handed over unmarked:
// a marking the server had yet to send must not be lost, so the next pull fetches them
// again from before their page. (Objects the server added at exactly that instant but
// had not yet sent are then missed; pass a moment earlier to fetch them again at the
// price of a few duplicates.)
func Pull(ctx context.Context, c *Client, rootURL, collectionID string, addedAfter time.Time, refs *intel.STIXRefs, s *intel.Sink) (last time.Time, err error) {
	file := "taxii:" + collectionID
	s.SetDefaultSource(file)
	if refs == nil {
		refs = intel.NewSTIXRefs()
	}
	seen, whole := addedAfter, addedAfter // whole: every indicator up to it handed over
	q := Query{AddedAfter: addedAfter, Limit: DefaultPageLimit}
	err = c.Objects(ctx, rootURL, collectionID, q, func(p Page) error {
		if len(p.Objects) > 0 {
			if err := intel.ParseSTIXWith(refs, p.Reader(), file, s); err != nil {
				s.Failed(intel.Location{File: file}, err.Error())
			}
		}
		if p.DateAddedLast.After(seen) {
			seen = p.DateAddedLast
		}
		if refs.Waiting() == 0 {
			whole = seen
		}
		return nil
	})
	if err != nil {
		return whole, err
	}
	refs.Flush(s)
	return seen, nil
}
