package taxiitest

import (
	"net/http"
	"strconv"
)

// PageLikeMedallion makes the Server page the way medallion's memory backend does
// (checked against medallion 3.0): the first request of a paging session gets a token
// that every later page of the session reuses, and a request carrying next without
// limit is answered 500, medallion's bug. Off, the Server issues a new opaque token per
// page, as most servers do. Both are allowed by TAXII 2.1, which does not say a token
// must change from page to page.
func (s *Server) PageLikeMedallion(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.medallion = on
	s.sessions = map[string]*session{}
}

// session is one medallion-style paging session: what the first request selected and
// how far the client has read.
type session struct {
	entries []entry
	offset  int
}

// medallionPage answers an objects request in medallion's way; it reports false when it
// has already written an error.
func (s *Server) medallionPage(w http.ResponseWriter, r *http.Request, c *collectionData, maxPage int) ([]entry, string, bool) {
	v := r.URL.Query()
	tok := v.Get("next")
	limit := maxPage
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, "limit "+strconv.Quote(l)+" is not a positive whole number")
			return nil, "", false
		}
		limit = min(n, maxPage)
	} else if tok != "" {
		writeError(w, http.StatusInternalServerError, "Internal Server Error") // medallion: int(None)
		return nil, "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[tok]
	if tok != "" && !ok {
		writeError(w, http.StatusBadRequest, "next is not a paging session this server started")
		return nil, "", false
	}
	if tok == "" {
		q, err := parseQuery(v, maxPage)
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return nil, "", false
		}
		sess = &session{entries: q.selectFrom(c.entries)}
		s.nextSession++
		tok = "session-" + strconv.Itoa(s.nextSession)
		s.sessions[tok] = sess
	}
	end := min(sess.offset+limit, len(sess.entries))
	page := sess.entries[sess.offset:end]
	sess.offset = end
	if end == len(sess.entries) {
		delete(s.sessions, tok)
		tok = ""
	}
	return page, tok, true
}
