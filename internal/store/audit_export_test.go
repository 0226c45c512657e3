package store

import "context"

// WithoutAuditKey returns the store as a process without the server secret sees it: the
// same database, no audit key.
func (s *Store) WithoutAuditKey() *Store {
	c := *s
	c.audit = &auditKey{}
	return &c
}

// MigrateDownTo rolls the schema back to version, for tests of upgrades.
func (s *Store) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := s.provider(ctx)
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}
