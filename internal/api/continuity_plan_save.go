package api

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/posture"
)

type planSaveIn struct {
	ODS  string `path:"ods" maxLength:"20" doc:"The organisation's ODS code."`
	Body struct {
		Systems         []vigil.PlanSystem  `json:"systems,omitempty" maxItems:"10" doc:"Critical systems and who supplies them."`
		Contacts        []vigil.PlanContact `json:"contacts,omitempty" maxItems:"10" doc:"Who to call, in order."`
		CareRecords     string              `json:"care_records,omitempty" maxLength:"2000" doc:"How care records are kept when the system is down."`
		Medication      string              `json:"medication,omitempty" maxLength:"2000" doc:"How medicines are given and recorded when the system is down."`
		Rota            string              `json:"rota,omitempty" maxLength:"2000" doc:"How the rota is run when the system is down."`
		Backups         string              `json:"backups,omitempty" maxLength:"2000" doc:"Where the backups are and who can restore them."`
		LastRestoreTest string              `json:"last_restore_test,omitempty" maxLength:"10" doc:"When a restore was last tested, YYYY-MM-DD."`
	}
}

// planSave replaces an organisation's continuity plan.
func (a *API) planSave(ctx context.Context, in *planSaveIn) (*planOut, error) {
	b := in.Body
	v, err := a.app.Posture.SavePlan(ctx, principal(ctx), posture.PlanInput{Org: in.ODS, Systems: b.Systems, Contacts: b.Contacts,
		CareRecords: b.CareRecords, Medication: b.Medication, Rota: b.Rota, Backups: b.Backups, LastRestoreTest: b.LastRestoreTest})
	if err != nil {
		return nil, err
	}
	return planOutput(v), nil
}
