package threatintel

import (
	"context"

	"github.com/vigil-health/vigil"
)

// Indicator is a stored indicator with whether it takes part in matching.
type Indicator struct {
	vigil.StoredIndicator
	// Assessment is how the next recompile would judge it.
	Assessment Assessment
}

// SearchIndicators searches the stored indicators for the sector centre's p. Whether each
// matches is judged now, as the next recompile would.
func (s *Service) SearchIndicators(ctx context.Context, p vigil.Principal, f vigil.IndicatorFilter) ([]Indicator, string, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return nil, "", err
	}
	list, next, err := s.store.SearchIndicators(ctx, f)
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	out := make([]Indicator, len(list))
	for i, si := range list {
		out[i] = Indicator{StoredIndicator: si, Assessment: Assess(si, now)}
	}
	return out, next, nil
}
