package store_test

import (
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestUploadWithANulPublisherIsStored: a NUL in a publisher's name, which PostgreSQL's
// text refuses, neither fails the upload nor reaches the database; its indicators are
// stored on both engines. The files go through the same reader as an upload, which drops
// the characters a reader would not see; the store, handed the name as it is, keeps
// the NUL's place with U+FFFD (cleanText).
func TestUploadWithANulPublisherIsStored(t *testing.T) {
	const stix = `{"type": "bundle", "id": "bundle--1", "objects": [
		{"type": "identity", "id": "identity--nul", "name": "Nul\u0000Org"},
		{"type": "indicator", "spec_version": "2.1", "id": "indicator--1", "pattern": "[domain-name:value = 'a.example']",
		 "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z", "created_by_ref": "identity--nul"}]}`
	const misp = `{"Event": {"info": "Nul\u0000Event", "Orgc": {"name": "Nul\u0000Org"},
		"Attribute": [{"uuid": "u-1", "type": "domain", "value": "a.example", "to_ids": true}]}}`
	direct := []vigil.Indicator{{Type: vigil.TypeDomain, Value: "a.example",
		Provenance: vigil.Provenance{Publisher: "Nul\x00Org", Ref: "ref\x00", Labels: []string{"nul\x00label"}}}}
	tests := []struct {
		name, file string
		inds       []vigil.Indicator // handed straight to the store when file is ""
		publisher  string
	}{
		{name: "STIX identity", file: stix, publisher: "NulOrg"},
		{name: "MISP Orgc", file: misp, publisher: "NulOrg"},
		{name: "handed to the store as it is", inds: direct, publisher: "Nul\uFFFDOrg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				inds := tt.inds
				if tt.file != "" {
					if _, err := intel.LoadReader(strings.NewReader(tt.file), "upload.json", intel.Options{},
						func(ind vigil.Indicator) { inds = append(inds, ind) }); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := s.UpsertSourceIndicators(t.Context(), "partner", inds); err != nil {
					t.Fatalf("upload refused: %v", err)
				}
				got := all(t, s)
				if len(got) != 1 || got[0].Value != "a.example" || got[0].Sources[0].Publisher != tt.publisher {
					t.Errorf("stored %+v, want a.example published by %q", got, tt.publisher)
				}
			})
		})
	}
}
