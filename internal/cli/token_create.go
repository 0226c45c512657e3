package cli

import (
	"fmt"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/accounts"
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
	a, closeStore, err := c.openApp(e)
	if err != nil {
		return err
	}
	defer closeStore()
	r := accounts.TokenRequest{Name: c.Name, Sensor: c.Sensor, User: c.Email}
	if c.Sensor {
		r.Org = c.Org // --org means nothing for a user's token, which acts for the user's organisation
	}
	if r.Name == "" {
		r.Name = "created with vigil token create"
	}
	raw, tok, err := a.Accounts.CreateToken(e.ctx, vigil.CommandLine, r)
	if err != nil {
		return storeError(err)
	}
	fmt.Fprintln(e.stdout, raw)
	fmt.Fprintf(e.stderr, "token %d (%s) created; it is shown only this once\n", tok.ID, tok.Hint)
	return nil
}
