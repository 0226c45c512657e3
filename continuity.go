package vigil

import "time"

// ContinuityPlan is an organisation's cyber business continuity plan: what to do when
// the computers are down, kept on paper as well as in vigil.
type ContinuityPlan struct {
	// Org is the organisation's ODS code.
	Org string `json:"org"`
	// Systems are the critical systems and the suppliers who run them.
	Systems []PlanSystem `json:"systems" nullable:"false"`
	// Contacts are who to call, in the order to call them.
	Contacts []PlanContact `json:"contacts" nullable:"false"`
	// CareRecords says how care records are kept when the system is down.
	CareRecords string `json:"care_records"`
	// Medication says how medicines are given and recorded when the system is down.
	Medication string `json:"medication"`
	// Rota says how the staff rota is run when the system is down.
	Rota string `json:"rota"`
	// Backups says where the backups are and who can restore them.
	Backups string `json:"backups"`
	// LastRestoreTest is when a restore from backup was last tested; zero when never.
	LastRestoreTest time.Time `json:"last_restore_test,omitzero"`
	// UpdatedBy is who last changed the plan.
	UpdatedBy string `json:"updated_by,omitempty"`
	// UpdatedAt is when; zero for a plan never saved.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// PlanSystem is one critical system in a continuity plan.
type PlanSystem struct {
	// Name is the system ("Digital care records").
	Name string `json:"name"`
	// Supplier is who provides it.
	Supplier string `json:"supplier,omitempty"`
	// Phone is the supplier's support number.
	Phone string `json:"phone,omitempty"`
}

// PlanContact is one person or service to call in a continuity plan.
type PlanContact struct {
	// Name is the person or service.
	Name string `json:"name"`
	// Role says why to call them ("IT support", "Registered manager").
	Role string `json:"role,omitempty"`
	// Phone is the number to ring.
	Phone string `json:"phone,omitempty"`
}

// Plan limits: a paper plan stays one or two pages.
const (
	MaxPlanSystems  = 10
	MaxPlanContacts = 10
)
