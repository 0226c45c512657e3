package pages_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// TestAuditLogShowsTheChainAndNewEntries checks that the audit page says the chain is
// intact up to its newest entry, lists the entries, shows a new one after an action,
// checks the chain against a head kept elsewhere, and downloads the rows shown.
func TestAuditLogShowsTheChainAndNewEntries(t *testing.T) {
	s := demoSite(t)
	ctx := context.Background()
	b := s.signIn(sectorAdmin)
	before, err := s.app.Audit.Verify(ctx, reader)
	if err != nil || !before.OK {
		t.Fatalf("Verify: %+v, %v", before, err)
	}
	p := b.get("/audit")
	if p.status != http.StatusOK || !p.has("Intact", fmt.Sprintf("intact up to entry #%d", before.HeadSeq)) {
		t.Fatalf("GET /audit: %d, want it intact up to #%d\n%s", p.status, before.HeadSeq, p.body)
	}
	entries, _, err := s.app.Audit.List(ctx, reader, vigil.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !p.has(fmt.Sprintf("#%d<", e.Seq), escaped(t, e.Action), escaped(t, e.Detail)) {
			t.Errorf("the page lacks entry #%d (%s)", e.Seq, e.Action)
		}
	}

	// An action adds an entry, which the page then shows at the top, still intact.
	if r := b.post("/users", url.Values{"email": {"new.analyst@hccc.example"}, "name": {"New Analyst"}, "role": {"sector_analyst"}}); r.status != http.StatusCreated {
		t.Fatalf("add a person: %d\n%s", r.status, r.body)
	}
	after, err := s.app.Audit.Verify(ctx, reader)
	if err != nil || after.HeadSeq <= before.HeadSeq {
		t.Fatalf("Verify after the action: %+v, %v", after, err)
	}
	p = b.get("/audit?action=user.create")
	if !p.has(fmt.Sprintf("intact up to entry #%d", after.HeadSeq), "user.create", "new.analyst@hccc.example",
		fmt.Sprintf("%d:%s", after.HeadSeq, after.HeadHash)) {
		t.Errorf("after adding a person: want the new entry and the new head\n%s", p.body)
	}

	// The head kept from before still holds; a made-up one does not.
	head := fmt.Sprintf("%d:%s", before.HeadSeq, before.HeadHash)
	if p := b.get("/audit?head=" + url.QueryEscape(head)); !p.has("It still holds the head you gave") {
		t.Errorf("checked against the earlier head: want it to hold\n%s", p.body)
	}
	forged := fmt.Sprintf("%d:%s", before.HeadSeq, strings.Repeat("0", 64))
	if p := b.get("/audit?head=" + url.QueryEscape(forged)); !p.has("The audit log is broken at entry #") || p.has("Intact") {
		t.Errorf("checked against a forged head: want it reported broken\n%s", p.body)
	}
	if p := b.get("/audit?head=12345"); p.status != http.StatusBadRequest || !p.has(`href="#head"`) {
		t.Errorf("a head that is not SEQ:HASH: %d, want 400 naming the field\n%s", p.status, p.body)
	}

	// The CSV has the rows the page shows for the same filters.
	shown, _, err := s.app.Audit.List(ctx, reader, vigil.AuditFilter{Actor: sectorAdmin})
	if err != nil {
		t.Fatal(err)
	}
	var seqs []string
	for _, e := range shown {
		seqs = append(seqs, strconv.FormatInt(e.Seq, 10))
	}
	header, rows := csvRows(t, b.get("/audit?format=csv&actor="+url.QueryEscape(sectorAdmin)))
	if got := column(t, header, rows, "seq"); len(seqs) == 0 || !slices.Equal(got, seqs) {
		t.Errorf("CSV entries %v, want %v", got, seqs)
	}
}
