package store

import (
	"context"
	"fmt"

	sqlite "modernc.org/sqlite"
)

// WriterCacheBytes is the memory the SQLite writer connection's page caches hold
// (SQLITE_DBSTATUS_CACHE_USED, all its databases: main and temp), for tests of what
// the store hands back.
func (s *Store) WriterCacheBytes(ctx context.Context) (int, error) {
	c, err := s.w.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	var used int
	err = c.Raw(func(dc any) error {
		st, ok := dc.(sqlite.DBStatus)
		if !ok {
			return fmt.Errorf("the driver connection is %T, not SQLite's", dc)
		}
		used, _, err = st.Status(sqlite.DBStatusCacheUsed, false)
		return err
	})
	return used, err
}
