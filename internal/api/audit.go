package api

import (
	"encoding/json"
	"time"

	"github.com/vigil-health/vigil"
)

// AuditEntry is one row of the append-only audit log.
type AuditEntry struct {
	// Seq is the row's position in the chain, from 1.
	Seq int64 `json:"seq"`
	// Time is when it happened.
	Time time.Time `json:"time"`
	// Actor is who did it: an email, a token name or "system".
	Actor string `json:"actor"`
	// Action is what was done, e.g. "org.create".
	Action string `json:"action" example:"org.create"`
	// Target is what it was done to, e.g. an ODS code or "alert/42".
	Target string `json:"target,omitempty"`
	// Detail is extra context.
	Detail any `json:"detail,omitempty"`
	// PrevHash is the previous row's hash.
	PrevHash string `json:"prev_hash,omitempty"`
	// Hash is SHA-256 over PrevHash and this row's canonical content.
	Hash string `json:"hash"`
}

func auditOut(e vigil.AuditEntry) AuditEntry {
	out := AuditEntry{Seq: e.Seq, Time: e.Time, Actor: e.Actor, Action: e.Action, Target: e.Target,
		PrevHash: e.PrevHash, Hash: e.Hash}
	if e.Detail != "" {
		out.Detail = json.RawMessage(e.Detail)
	}
	return out
}
