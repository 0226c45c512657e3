package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vigil-health/vigil"
)

// ContinuityPlan returns an organisation's continuity plan; one never saved comes back
// empty with its UpdatedAt zero.
func (s *Store) ContinuityPlan(ctx context.Context, org string) (vigil.ContinuityPlan, error) {
	p := vigil.ContinuityPlan{Org: org}
	var body string
	err := s.rdb().row(ctx, `SELECT plan, last_restore_test, updated_by, updated_at FROM continuity_plans WHERE org = ?`, org).
		Scan(&body, scanTime(&p.LastRestoreTest), &p.UpdatedBy, scanTime(&p.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err == nil {
		err = json.Unmarshal([]byte(body), &p)
	}
	if err != nil {
		return p, fmt.Errorf("continuity plan of %s: %w", org, err)
	}
	p.Org = org
	return p, nil
}

// SaveContinuityPlan stores an organisation's plan, replacing the last one.
func (s *Store) SaveContinuityPlan(ctx context.Context, p vigil.ContinuityPlan) (vigil.ContinuityPlan, error) {
	p.UpdatedAt = s.now()
	body, err := json.Marshal(p)
	if err != nil {
		return p, fmt.Errorf("save continuity plan: %w", err)
	}
	_, err = s.wdb().exec(ctx, `INSERT INTO continuity_plans (org, plan, last_restore_test, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (org) DO UPDATE SET plan = excluded.plan, last_restore_test = excluded.last_restore_test,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		p.Org, string(body), dbTime(p.LastRestoreTest), p.UpdatedBy, dbTime(p.UpdatedAt))
	if isForeignKeyViolation(err) {
		return p, vigil.OrgNotFound(p.Org)
	}
	if err != nil {
		return p, fmt.Errorf("save continuity plan: %w", err)
	}
	return p, nil
}
