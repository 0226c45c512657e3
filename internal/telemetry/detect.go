package telemetry

import (
	"bytes"
	"strings"

	"github.com/valyala/fastjson"
)

// Marker keys seen on a line, for format detection.
const (
	hasZeekPath    = 1 << iota // "_path" or "@stream"
	hasZeekID                  // "id.orig_h", "id_resp_h", ...
	hasEventType               // "event_type"
	hasSuricataKey             // "src_ip", "dest_ip", "flow_id", "timestamp"
	hasEventID                 // "EventID"
	hasWindowsKey              // "Channel", "SourceName", "EventData", "Provider", "ProviderName"
	hasTimestamp               // "@timestamp"
	hasECS                     // "ecs", "ecs.version", "winlog"
	hasHostID                  // "hostIdentifier"
	hasOsqueryRows             // "columns", "snapshot", "diffResults"
	hasName                    // "name"
)

// detect guesses the format of one event from its top-level keys.
func detect(o *fastjson.Object) Format {
	var m uint
	o.Visit(func(k []byte, _ *fastjson.Value) {
		m |= marker(k)
	})
	return decide(m, o)
}

// decide returns the format of event o from the markers of its top-level keys. Only an event
// with "@timestamp" and no other marker is checked for ECS field sets, in a second look at
// its keys, so that the markers stay a cheap test of each key's name.
func decide(m uint, o *fastjson.Object) Format {
	switch {
	case m&(hasZeekPath|hasZeekID) != 0:
		return FormatZeek
	case m&hasEventType != 0 && m&hasSuricataKey != 0:
		return FormatSuricata
	case m&hasEventID != 0 && m&hasWindowsKey != 0:
		return FormatSysmon
	case m&hasHostID != 0 || m&hasOsqueryRows != 0 && m&hasName != 0:
		return FormatOsquery
	case m&hasECS != 0 || m&hasTimestamp != 0 && hasECSFieldSet(o):
		return FormatECS
	}
	return FormatGeneric
}

// hasECSFieldSet reports whether o holds a field set of ECS that Extract reads, as an object
// ("source": {...}) or a dotted key ("source.ip").
func hasECSFieldSet(o *fastjson.Object) bool {
	found := false
	o.Visit(func(k []byte, v *fastjson.Value) {
		root := k
		if i := bytes.IndexByte(k, '.'); i > 0 {
			root = k[:i]
		}
		if ecsRoots[string(root)] && (len(root) < len(k) || v.Type() == fastjson.TypeObject) {
			found = true
		}
	})
	return found
}

// markerKeys are the keys marker recognises by name; markerMask pre-filters them.
var markerKeys = []string{"_path", "@stream", "id.orig_h", "id.resp_h", "id_orig_h", "id_resp_h", "event_type",
	"src_ip", "dest_ip", "flow_id", "timestamp", "EventID", "Channel", "SourceName", "EventData", "Provider",
	"ProviderName", "@timestamp", "ecs", "ecs.version", "winlog", "hostIdentifier", "columns", "snapshot",
	"diffResults", "name"}

var markerMask = func() *table {
	t := &table{}
	for _, k := range markerKeys {
		t.mark(k)
	}
	return t
}()

// ecsRoots are the first segments of the ECS fields Extract reads ("source", "dns", ...).
var ecsRoots = func() map[string]bool {
	m := map[string]bool{}
	for name := range ecsTable.fields {
		root, _, _ := strings.Cut(name, ".")
		m[root] = true
	}
	return m
}()

// marker returns the detection marker of one top-level key; most keys are rejected by a
// mask test.
func marker(k []byte) uint {
	if !markerMask.maybe(k) {
		return 0
	}
	return namedMarker(k)
}

func namedMarker(k []byte) uint {
	switch string(k) {
	case "_path", "@stream":
		return hasZeekPath
	case "id.orig_h", "id.resp_h", "id_orig_h", "id_resp_h":
		return hasZeekID
	case "event_type":
		return hasEventType
	case "src_ip", "dest_ip", "flow_id", "timestamp":
		return hasSuricataKey
	case "EventID":
		return hasEventID
	case "Channel", "SourceName", "EventData", "Provider", "ProviderName":
		return hasWindowsKey
	case "@timestamp":
		return hasTimestamp
	case "ecs", "ecs.version", "winlog":
		return hasECS
	case "hostIdentifier":
		return hasHostID
	case "columns", "snapshot", "diffResults":
		return hasOsqueryRows
	case "name":
		return hasName
	}
	return 0
}
