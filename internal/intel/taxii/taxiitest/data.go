package taxiitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/url"
	"slices"
	"sort"
	"time"
)

// discovery is the discovery resource; API root URLs are kept as in the data file and
// rewritten per request.
type discovery struct {
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Contact     string   `json:"contact,omitempty"`
	Default     string   `json:"default,omitempty"`
	APIRoots    []string `json:"api_roots,omitempty"`
}

// apiRoot is one API root of the data file.
type apiRoot struct {
	Information json.RawMessage   `json:"information"`
	Collections []*collectionData `json:"collections"`
}

// collectionInfo is the collection resource as served.
type collectionInfo struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Alias       string   `json:"alias,omitempty"`
	CanRead     bool     `json:"can_read"`
	CanWrite    bool     `json:"can_write"`
	MediaTypes  []string `json:"media_types,omitempty"`
}

// collectionData is a collection as stored: the resource, its objects and its manifest.
type collectionData struct {
	collectionInfo
	Objects  []json.RawMessage `json:"objects"`
	Manifest []manifestRecord  `json:"manifest"`

	entries []entry // one per manifest record, in date_added order
}

type manifestRecord struct {
	ID        string `json:"id"`
	DateAdded string `json:"date_added"`
	Version   string `json:"version"`
	MediaType string `json:"media_type"`
}

// entry is one version of one object with the time it was added to its collection.
type entry struct {
	id, typ     string
	version     time.Time
	specVersion string
	dateAdded   time.Time
	object      json.RawMessage
}

// objectKey finds an object version; versions are compared as instants, not strings.
type objectKey struct {
	id      string
	version int64
}

// load reads a data file into its discovery resource and API roots.
func load(data []byte) (*discovery, map[string]*apiRoot, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, nil, fmt.Errorf("taxiitest: data is not a JSON object: %w", err)
	}
	var disc *discovery
	roots := map[string]*apiRoot{}
	for name, raw := range top {
		if name == "/discovery" {
			if err := json.Unmarshal(raw, &disc); err != nil {
				return nil, nil, fmt.Errorf("taxiitest: /discovery: %w", err)
			}
			continue
		}
		var r apiRoot
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, nil, fmt.Errorf("taxiitest: API root %s: %w", name, err)
		}
		for _, c := range r.Collections {
			if err := c.index(); err != nil {
				return nil, nil, fmt.Errorf("taxiitest: API root %s, collection %s: %w", name, c.ID, err)
			}
		}
		roots[name] = &r
	}
	if disc == nil {
		disc = &discovery{Title: "taxiitest"}
		for _, name := range slices.Sorted(maps.Keys(roots)) {
			disc.APIRoots = append(disc.APIRoots, "/"+name+"/")
		}
	}
	return disc, roots, nil
}

// index joins each manifest record to the object version it describes and sorts the
// result by date_added, keeping the manifest's order among equal times.
func (c *collectionData) index() error {
	objects := map[objectKey]stixHead{}
	for i, raw := range c.Objects {
		h, err := readHead(raw)
		if err != nil {
			return fmt.Errorf("object %d: %w", i, err)
		}
		objects[objectKey{h.ID, h.version.UnixNano()}] = h
	}
	used := map[objectKey]bool{}
	for i, m := range c.Manifest {
		e, err := m.entry(objects)
		if err != nil {
			return fmt.Errorf("manifest record %d (%s): %w", i, m.ID, err)
		}
		used[objectKey{e.id, e.version.UnixNano()}] = true
		c.entries = append(c.entries, e)
	}
	if len(used) != len(objects) {
		return errors.New("some objects have no manifest record saying when they were added")
	}
	sort.SliceStable(c.entries, func(i, j int) bool { return c.entries[i].dateAdded.Before(c.entries[j].dateAdded) })
	return nil
}

func (m manifestRecord) entry(objects map[objectKey]stixHead) (entry, error) {
	added, err := time.Parse(time.RFC3339, m.DateAdded)
	if err != nil {
		return entry{}, fmt.Errorf("date_added: %w", err)
	}
	version, err := time.Parse(time.RFC3339, m.Version)
	if err != nil {
		return entry{}, fmt.Errorf("version: %w", err)
	}
	h, ok := objects[objectKey{m.ID, version.UnixNano()}]
	if !ok {
		return entry{}, fmt.Errorf("no object with version %s", m.Version)
	}
	spec := h.SpecVersion
	if _, params, err := mime.ParseMediaType(m.MediaType); err == nil && params["version"] != "" {
		spec = params["version"]
	}
	if spec == "" {
		spec = "2.0" // STIX 2.0 objects carry no spec_version
	}
	return entry{id: h.ID, typ: h.Type, version: version, specVersion: spec, dateAdded: added, object: h.raw}, nil
}

// stixHead is the part of a STIX object the server filters on.
type stixHead struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	SpecVersion string `json:"spec_version"`
	Created     string `json:"created"`
	Modified    string `json:"modified"`

	version time.Time
	raw     json.RawMessage
}

func readHead(raw json.RawMessage) (stixHead, error) {
	var h stixHead
	if err := json.Unmarshal(raw, &h); err != nil {
		return h, err
	}
	if h.ID == "" || h.Type == "" {
		return h, errors.New("no id or type")
	}
	v := h.Modified
	if v == "" {
		v = h.Created
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return h, fmt.Errorf("%s: no valid modified or created time: %w", h.ID, err)
	}
	h.version, h.raw = t, raw
	return h, nil
}

// rewriteURL points an absolute URL from the data file at the host a request came to;
// relative URLs are served as they are.
func rewriteURL(s, scheme, host string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	u.Scheme, u.Host = scheme, host
	return u.String()
}
