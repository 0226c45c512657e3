package cli

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
)

type userCmd struct {
	Add      userAddCmd      `cmd:"" help:"Create an account."`
	Password userPasswordCmd `cmd:"" help:"Give an account a new password (read from standard input) and sign it out everywhere."`
	Disable  userDisableCmd  `cmd:"" help:"Disable an account: it can no longer sign in or use its tokens."`
	Enable   userEnableCmd   `cmd:"" help:"Enable a disabled account again."`
}

type userAddCmd struct {
	serverFlags
	Email         string `required:"" help:"Sign-in address."`
	Name          string `help:"How the user is greeted (default: the email)."`
	Role          string `required:"" enum:"sector_admin,sector_analyst,org_admin,org_member,supplier" help:"sector_admin, sector_analyst, org_admin, org_member or supplier."`
	Org           string `name:"org" placeholder:"ODS" help:"ODS code of the user's organisation (organisation and supplier roles)."`
	PasswordStdin bool   `name:"password-stdin" help:"Read the password from the first line of standard input."`
}

func (c *userAddCmd) Run(e *env) error {
	password := ""
	if c.PasswordStdin {
		var err error
		if password, err = readPasswordLine(e); err != nil {
			return err
		}
	}
	a, closeStore, err := c.openApp(e)
	if err != nil {
		return err
	}
	defer closeStore()
	u, err := a.Accounts.AddUser(e.ctx, vigil.CommandLine,
		vigil.NewUser{Email: c.Email, Name: c.Name, Role: vigil.Role(c.Role), Org: c.Org, Password: password})
	if err != nil {
		return storeError(err)
	}
	fmt.Fprintf(e.stdout, "created %s (%s%s), id %d\n", u.Email, u.Role, orgSuffix(u.Org), u.ID)
	if password == "" {
		fmt.Fprintln(e.stdout, "no password set: the account can use API tokens but cannot sign in until `vigil user password` sets one")
	}
	return nil
}

func orgSuffix(org string) string {
	if org == "" {
		return ""
	}
	return " of " + org
}

// storeError turns a store error a person caused into a usage error with its message.
func storeError(err error) error {
	switch vigil.ErrorCode(err) {
	case vigil.EINVALID, vigil.ECONFLICT, vigil.ENOTFOUND:
		return usageErrorf("%s", vigil.ErrorMessage(err))
	}
	return err
}

// openApp opens the server's store and builds the use cases over it, for the commands
// that act on it as vigil.CommandLine; closeStore closes the store.
func (f *serverFlags) openApp(e *env) (a *app.App, closeStore func() error, err error) {
	log := quietLogger(e)
	cfg, s, err := f.open(e.ctx, log)
	if err != nil {
		return nil, nil, err
	}
	return app.New(app.Deps{Store: s, Logger: log, AssetLimits: cfg.AssetLimits()}), s.Close, nil
}

// readPasswordLine reads a password from the first line of standard input.
func readPasswordLine(e *env) (string, error) {
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", usageErrorf("--password-stdin: no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
