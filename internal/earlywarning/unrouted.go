package earlywarning

import (
	"context"

	"github.com/vigil-health/vigil"
)

// ListUnrouted lists the events that matched nobody's assets, in f.Sort's order: the sector
// centre's analysts read them to find organisations with unregistered assets.
func (s *Service) ListUnrouted(ctx context.Context, p vigil.Principal, f vigil.UnroutedFilter) ([]vigil.UnroutedEvent, string, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return nil, "", err
	}
	return s.store.ListUnrouted(ctx, f)
}
