package exposure

import (
	"context"
	"log/slog"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// VEXHeld is what vigil holds of an organisation's VEX statements, or a supplier's: the
// documents uploaded, their statements, and the findings they closed.
type VEXHeld struct {
	// Owner is whose statements they are: the organisation's ODS code, or the supplier's
	// name as its customers' inventories write it.
	Owner string
	// Supplier says they are a supplier's, applied at its customers to the components
	// their inventories attribute to it.
	Supplier bool
	// Documents are the documents uploaded, by name.
	Documents []vigil.VEXDocument
	// Statements are every document's statements, in upload order.
	Statements []vigil.VEXStatement
	// Suppressed are the vulnerabilities the statements closed (at the organisation, or
	// at the supplier's customers), with which statement and why.
	Suppressed []vigil.VEXSuppression
}

// VEX returns what vigil holds of org's VEX statements, or, when p is a supplier and org
// its own organisation, of the supplier's. Who may see it is who may upload them.
func (s *Service) VEX(ctx context.Context, p vigil.Principal, org string) (VEXHeld, error) {
	kind, owner, err := s.vexOwner(ctx, p, org)
	if err != nil {
		return VEXHeld{}, err
	}
	h := VEXHeld{Owner: owner, Supplier: kind == store.VEXOwnerSupplier}
	if h.Documents, err = s.store.VEXDocuments(ctx, kind, owner); err != nil {
		return h, err
	}
	if h.Statements, err = s.store.VEXStatements(ctx, kind, owner); err != nil {
		return h, err
	}
	h.Suppressed, err = s.suppressed(ctx, kind, owner)
	return h, err
}

// DeleteVEX removes the VEX document named name (and its statements) from org's, or the
// supplier's, then checks again the organisations they applied to: a finding they closed
// is open again, as a new alert.
func (s *Service) DeleteVEX(ctx context.Context, p vigil.Principal, org, name string) error {
	kind, owner, err := s.vexOwner(ctx, p, org)
	if err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	docs, err := s.store.VEXDocuments(ctx, kind, owner)
	if err != nil {
		return err
	}
	if !heldDocument(docs, name) {
		return vigil.Errorf(vigil.ENOTFOUND, "no VEX document %q", name)
	}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.ReplaceVEX(ctx, kind, owner, name, p.Email, nil); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, p.Email, "vex.delete", "org/"+org, map[string]any{"document": name, "owner": owner})
		return err
	})
	if err != nil {
		return err
	}
	s.recheckVEX(ctx, kind, org, owner)
	return nil
}

func heldDocument(docs []vigil.VEXDocument, name string) bool {
	for _, d := range docs {
		if d.Name == name {
			return true
		}
	}
	return false
}

// recheckVEX checks again the organisations owner's statements apply to: the
// organisation itself, or every customer of the supplier. It returns how many.
func (s *Service) recheckVEX(ctx context.Context, kind, org, owner string) int {
	orgs := []string{org}
	if kind == store.VEXOwnerSupplier {
		var err error
		if orgs, err = s.store.OrgsWithSupplier(ctx, owner); err != nil {
			s.log.ErrorContext(ctx, "customers of a supplier", slog.String("supplier", owner), slog.Any("error", err))
			return 0
		}
	}
	for _, o := range orgs {
		s.InventoryChanged(ctx, o)
	}
	return len(orgs)
}
