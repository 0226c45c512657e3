package intel

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// Shared is one indicator or observable an export carries.
type Shared struct {
	// Type is the kind of value.
	Type vigil.IndicatorType
	// Value is the normalised value.
	Value string
	// TLP is its marking; the writer marks it so.
	TLP vigil.TLP
	// Note says what it was in the incident ("the sender of the phishing e-mail").
	Note string
}

// Envelope is what an export says about where its indicators come from.
type Envelope struct {
	// Key makes the ids of the export stable: the same incident exported twice gives
	// the same ids, so a receiver updates rather than duplicates.
	Key string
	// Name is the incident's title, or a neutral one when its words may not leave.
	Name string
	// Description is what may be said of it; empty to say nothing.
	Description string
	// Producer is who publishes it (the sector centre's name).
	Producer string
	// TLP is the marking of the export as a whole: the strictest of what it carries.
	TLP vigil.TLP
	// Created is when the incident was reported; Modified when it last changed.
	Created, Modified time.Time
	// Labels are free-text tags, such as the NCSC category.
	Labels []string
}

// tlp2Marking is the STIX marking-definition id of each TLP 2.0 marking (the TLP 2.0
// extension's fixed ids, which ParseSTIX reads back).
var tlp2Marking = map[vigil.TLP]string{
	vigil.TLPClear:       "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	vigil.TLPGreen:       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	vigil.TLPAmber:       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	vigil.TLPAmberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	vigil.TLPRed:         "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

// stableID is a STIX id of kind for the parts: a UUID (version 5 layout) from their hash.
func stableID(kind string, parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:16])
	return kind + "--" + x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// STIXPattern is the STIX 2.1 pattern that matches one value of type t.
func STIXPattern(t vigil.IndicatorType, value string) (string, bool) {
	path := map[vigil.IndicatorType]string{
		vigil.TypeIPv4: "ipv4-addr:value", vigil.TypeIPv6: "ipv6-addr:value", vigil.TypeDomain: "domain-name:value",
		vigil.TypeURL: "url:value", vigil.TypeEmail: "email-addr:value", vigil.TypeMD5: "file:hashes.MD5",
		vigil.TypeSHA1: "file:hashes.'SHA-1'", vigil.TypeSHA256: "file:hashes.'SHA-256'",
		vigil.TypeSHA512: "file:hashes.'SHA-512'", vigil.TypeFilename: "file:name",
	}[t]
	if t == vigil.TypeCIDR {
		path = "ipv4-addr:value"
		if strings.Contains(value, ":") {
			path = "ipv6-addr:value"
		}
	}
	if path == "" {
		return "", false
	}
	esc := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(value)
	return "[" + path + " = '" + esc + "']", true
}

type stixOut map[string]any

// WriteSTIX writes a STIX 2.1 bundle: the producer's identity, the TLP markings used,
// an incident object when env has a description to share, and one indicator per item
// (with an "indicates" relationship to the incident), each marked with its own TLP.
func WriteSTIX(w io.Writer, env Envelope, items []Shared) error {
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	identity := stableID("identity", "producer", env.Producer)
	objs := []stixOut{{"type": "identity", "spec_version": "2.1", "id": identity, "created": ts(env.Created),
		"modified": ts(env.Created), "name": env.Producer, "identity_class": "organization"}}
	used := map[vigil.TLP]bool{env.TLP: true}
	for _, it := range items {
		used[it.TLP] = true
	}
	for _, t := range []vigil.TLP{vigil.TLPClear, vigil.TLPGreen, vigil.TLPAmber, vigil.TLPAmberStrict, vigil.TLPRed} {
		if used[t] {
			objs = append(objs, tlpMarking(t, ts(env.Created)))
		}
	}
	incident := stableID("incident", env.Key)
	objs = append(objs, stixOut{"type": "incident", "spec_version": "2.1", "id": incident, "created": ts(env.Created),
		"modified": ts(env.Modified), "name": env.Name, "description": env.Description, "labels": nonEmpty(env.Labels),
		"created_by_ref": identity, "object_marking_refs": []string{tlp2Marking[env.TLP]}})
	for _, it := range items {
		pattern, ok := STIXPattern(it.Type, it.Value)
		if !ok {
			continue
		}
		id := stableID("indicator", env.Key, string(it.Type), it.Value)
		objs = append(objs, stixOut{"type": "indicator", "spec_version": "2.1", "id": id, "created": ts(env.Created),
			"modified": ts(env.Modified), "name": string(it.Type) + " " + it.Value, "description": it.Note,
			"indicator_types": []string{"malicious-activity"}, "pattern": pattern, "pattern_type": "stix",
			"valid_from": ts(env.Created), "created_by_ref": identity, "object_marking_refs": []string{tlp2Marking[it.TLP]}},
			stixOut{"type": "relationship", "spec_version": "2.1", "id": stableID("relationship", env.Key, id),
				"created": ts(env.Created), "modified": ts(env.Modified), "relationship_type": "indicates",
				"source_ref": id, "target_ref": incident, "object_marking_refs": []string{tlp2Marking[it.TLP]}})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(stixOut{"type": "bundle", "id": stableID("bundle", env.Key, ts(env.Modified)), "objects": objs})
}

// tlpMarking is the TLP 2.0 marking-definition of t, as the extension defines it.
func tlpMarking(t vigil.TLP, created string) stixOut {
	return stixOut{"type": "marking-definition", "spec_version": "2.1", "id": tlp2Marking[t], "created": created,
		"name": "TLP:" + string(t), "extensions": map[string]any{
			"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": map[string]any{
				"extension_type": "property-extension", "tlp_2_0": strings.ToLower(string(t))}}}
}

func nonEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// mispType is the MISP attribute type and category of each indicator type.
var mispType = map[vigil.IndicatorType][2]string{
	vigil.TypeIPv4: {"ip-dst", "Network activity"}, vigil.TypeIPv6: {"ip-dst", "Network activity"},
	vigil.TypeCIDR: {"ip-dst", "Network activity"}, vigil.TypeDomain: {"domain", "Network activity"},
	vigil.TypeURL: {"url", "Network activity"}, vigil.TypeEmail: {"email-src", "Payload delivery"},
	vigil.TypeMD5: {"md5", "Payload delivery"}, vigil.TypeSHA1: {"sha1", "Payload delivery"},
	vigil.TypeSHA256: {"sha256", "Payload delivery"}, vigil.TypeSHA512: {"sha512", "Payload delivery"},
	vigil.TypeFilename: {"filename", "Payload delivery"},
}

// WriteMISP writes a MISP event: the incident as the event (its TLP as the event's tag)
// and one attribute per item, marked for detection (to_ids) with its own TLP tag.
func WriteMISP(w io.Writer, env Envelope, items []Shared) error {
	var attrs []map[string]any
	for _, it := range items {
		mt, ok := mispType[it.Type]
		if !ok {
			continue
		}
		attrs = append(attrs, map[string]any{"uuid": uuidOf(stableID("attribute", env.Key, string(it.Type), it.Value)),
			"type": mt[0], "category": mt[1], "value": it.Value, "to_ids": true, "comment": it.Note,
			"timestamp": fmt.Sprint(env.Modified.Unix()), "Tag": []map[string]string{{"name": tlpTag(it.TLP)}}})
	}
	tags := []map[string]string{{"name": tlpTag(env.TLP)}}
	for _, l := range env.Labels {
		tags = append(tags, map[string]string{"name": l})
	}
	event := map[string]any{"uuid": uuidOf(stableID("event", env.Key)), "info": env.Name, "date": env.Created.UTC().Format("2006-01-02"),
		"timestamp": fmt.Sprint(env.Modified.Unix()), "threat_level_id": "2", "analysis": "1", "distribution": "0",
		"Orgc": map[string]string{"name": env.Producer}, "Tag": tags, "Attribute": nonNilAttrs(attrs)}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"Event": event})
}

func uuidOf(stixID string) string { _, u, _ := strings.Cut(stixID, "--"); return u }

// tlpTag is the MISP taxonomy tag of a marking: tlp:amber, tlp:amber+strict.
func tlpTag(t vigil.TLP) string { return "tlp:" + strings.ToLower(string(t)) }

func nonNilAttrs(a []map[string]any) []map[string]any {
	if a == nil {
		return []map[string]any{}
	}
	return a
}
