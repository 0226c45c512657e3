package taxii

import (
	"context"
	"time"

	"github.com/vigil-health/vigil/internal/intel"
)

// Pull fetches the objects added to a collection after addedAfter (zero: all of them)
// and feeds each page to intel.ParseSTIX as file "taxii:<collection id>"; indicators
// that name no source are credited to that name. A page ParseSTIX cannot read is
// recorded in the sink as failed and the pull goes on.
//
// Pull returns the newest X-TAXII-Date-Added-Last it saw, or addedAfter when it saw none:
// store it and pass it as addedAfter next time. On an error it returns the newest time
// of the pages it finished, so a pull stopped part way resumes where it stopped. (Objects
// the server added at exactly that instant but had not yet sent are then missed; pass a
// moment earlier to fetch them again at the price of a few duplicates.)
func Pull(ctx context.Context, c *Client, rootURL, collectionID string, addedAfter time.Time, s *intel.Sink) (last time.Time, err error) {
	file := "taxii:" + collectionID
	s.SetDefaultSource(file)
	last = addedAfter
	err = c.Objects(ctx, rootURL, collectionID, Query{AddedAfter: addedAfter}, func(p Page) error {
		if len(p.Objects) > 0 {
			if err := intel.ParseSTIX(p.Reader(), file, s); err != nil {
				s.Failed(intel.Location{File: file}, err.Error())
			}
		}
		if p.DateAddedLast.After(last) {
			last = p.DateAddedLast
		}
		return nil
	})
	return last, err
}
