package intel

import (
	"errors"
	"fmt"
	"maps"
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
		if !IsMISPEventID(id) {
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
	m, err := ParseMISPManifest(f)
	if err != nil {
		return nil, fmt.Errorf("the feed manifest %s cannot be read: %w", path, err)
	}
	return slices.Sorted(maps.Keys(m)), nil
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
