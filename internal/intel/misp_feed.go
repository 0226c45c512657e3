package intel

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// LoadMISPFeed reads a MISP feed directory: manifest.json maps each event UUID to a
// summary, and each event is <uuid>.json beside it. Events are read in UUID order so
// imports are repeatable; an event the manifest lists that is missing or broken is
// reported as failed and the rest are still read.
//
// The feed's hashes.csv (the MD5 of every attribute value with its event UUID) is not
// read: MISP uses it to look values up without fetching events, and the events
// themselves are the authority on what the feed says.
func LoadMISPFeed(dir string, s *Sink) error {
	ids, err := mispReadManifest(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !mispIsEventID(id) {
			s.Failed(Location{File: filepath.Join(dir, "manifest.json"), Ref: id},
				"the manifest lists an event whose UUID is not a plain UUID; it was not read")
			continue
		}
		path := filepath.Join(dir, id+".json")
		if err := mispLoadFeedEvent(path, s); err != nil {
			s.Failed(Location{File: path, Ref: id}, err.Error())
		}
	}
	return nil
}

// mispReadManifest returns the event UUIDs a feed manifest lists, sorted.
func mispReadManifest(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the feed manifest: %w", errors.Unwrap(err))
	}
	defer f.Close()
	var m map[string]mispSkip
	if err := json.NewDecoder(f).Decode(&m); err != nil {
		return nil, fmt.Errorf("the feed manifest %s is not a JSON object of event UUIDs: %w", path, err)
	}
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

func mispLoadFeedEvent(path string, s *Sink) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("the manifest lists this event but it cannot be read: %w", errors.Unwrap(err))
	}
	defer f.Close()
	s.rep.Files++
	return ParseMISP(f, path, s)
}

// mispIsEventID reports whether a manifest key is safe to use as a file name: a UUID of
// hex digits and dashes, never a path.
func mispIsEventID(id string) bool {
	if len(id) < 32 || len(id) > 36 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '-') {
			return false
		}
	}
	return true
}
