package store

// WithoutAuditKey returns the store as a process without the server secret sees it: the
// same database, no audit key.
func (s *Store) WithoutAuditKey() *Store {
	c := *s
	c.audit = &auditKey{}
	return &c
}
