package cli

import (
	"fmt"

	"github.com/vigil-health/vigil"
)

type tokenCmd struct {
	Create tokenCreateCmd `cmd:"" help:"Create an API token; it is printed once and stored only as a hash."`
}

type tokenCreateCmd struct {
	serverFlags
	Email  string `xor:"who" help:"Create a token that acts as this user."`
	Sensor bool   `xor:"who" help:"Create a sensor token that may only push telemetry for --org."`
	Org    string `name:"org" placeholder:"ODS" help:"The sensor's organisation (with --sensor)."`
	Name   string `help:"What the token is for, e.g. \"Zeek sensor, main site\"."`
}

func (c *tokenCreateCmd) Run(e *env) error {
	if c.Email == "" && !c.Sensor {
		return usageErrorf("say who the token is for: --email E, or --sensor --org ODS")
	}
	if c.Sensor && c.Org == "" {
		return usageErrorf("--sensor needs --org ODS: a sensor pushes telemetry for one organisation")
	}
	_, s, err := c.open(e.ctx, quietLogger(e))
	if err != nil {
		return err
	}
	defer s.Close()
	nt := vigil.NewToken{Name: c.Name, SensorOrg: c.Org}
	if !c.Sensor {
		u, err := s.GetUserByEmail(e.ctx, c.Email)
		if err != nil {
			return storeError(err)
		}
		nt = vigil.NewToken{Name: c.Name, UserID: u.ID}
	}
	if nt.Name == "" {
		nt.Name = "created with vigil token create"
	}
	raw, tok, err := s.CreateToken(e.ctx, nt)
	if err != nil {
		return storeError(err)
	}
	s.Audit(e.ctx, "cli", "token.create", fmt.Sprintf("token/%d", tok.ID), map[string]any{"name": tok.Name, "sensor_org": tok.SensorOrg, "user_id": tok.UserID})
	fmt.Fprintln(e.stdout, raw)
	fmt.Fprintf(e.stderr, "token %d (%s) created; it is shown only this once\n", tok.ID, tok.Hint)
	return nil
}
