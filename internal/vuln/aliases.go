package vuln

// aliasSets joins advisory IDs that name the same vulnerability: a GHSA, its CVE and
// the Go or PyPI record that lists either are one set (union-find over the aliases).
type aliasSets struct {
	parent map[string]string
}

func newAliasSets() *aliasSets { return &aliasSets{parent: map[string]string{}} }

// root returns the representative of id's set, halving the path as it goes.
func (s *aliasSets) root(id string) string {
	for {
		p, ok := s.parent[id]
		if !ok || p == id {
			return id
		}
		if gp, ok := s.parent[p]; ok {
			s.parent[id] = gp
		}
		id = p
	}
}

// join puts a and b in one set; the smaller ID becomes the root so the result does
// not depend on the order records were loaded in.
func (s *aliasSets) join(a, b string) {
	ra, rb := s.root(a), s.root(b)
	if ra == rb {
		return
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	s.parent[ra] = ra
	s.parent[rb] = ra
}

// freeze resolves every ID to its root, so lookups after loading need no writes and
// the DB can be shared between goroutines.
func (s *aliasSets) freeze() map[string]string {
	out := make(map[string]string, len(s.parent))
	for id := range s.parent {
		out[id] = s.root(id)
	}
	return out
}
