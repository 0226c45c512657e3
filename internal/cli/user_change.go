package cli

import (
	"fmt"

	"github.com/vigil-health/vigil"
)

type userPasswordCmd struct {
	serverFlags
	Email         string `required:"" help:"The account's sign-in address."`
	PasswordStdin bool   `name:"password-stdin" required:"" help:"Read the new password from the first line of standard input."`
}

// Run gives an account a new password and signs it out everywhere.
func (c *userPasswordCmd) Run(e *env) error {
	password, err := readPasswordLine(e)
	if err != nil {
		return err
	}
	a, closeStore, err := c.openApp(e)
	if err != nil {
		return err
	}
	defer closeStore()
	u, err := a.Accounts.ResetPassword(e.ctx, vigil.CommandLine, c.Email, password)
	if err != nil {
		return storeError(err)
	}
	fmt.Fprintf(e.stdout, "new password set for %s; their sessions have ended\n", u.Email)
	return nil
}

type userDisableCmd struct {
	serverFlags
	Email string `required:"" help:"The account's sign-in address."`
}

// Run disables an account: it can no longer sign in or use its tokens.
func (c *userDisableCmd) Run(e *env) error { return setDisabled(e, c.serverFlags, c.Email, true) }

type userEnableCmd struct {
	serverFlags
	Email string `required:"" help:"The account's sign-in address."`
}

// Run enables a disabled account again.
func (c *userEnableCmd) Run(e *env) error { return setDisabled(e, c.serverFlags, c.Email, false) }

func setDisabled(e *env, f serverFlags, email string, disabled bool) error {
	a, closeStore, err := f.openApp(e)
	if err != nil {
		return err
	}
	defer closeStore()
	u, err := a.Accounts.SetDisabled(e.ctx, vigil.CommandLine, email, disabled)
	if err != nil {
		return storeError(err)
	}
	if disabled {
		fmt.Fprintf(e.stdout, "%s is disabled: it cannot sign in or use its tokens, and its sessions have ended\n", u.Email)
	} else {
		fmt.Fprintf(e.stdout, "%s is enabled again\n", u.Email)
	}
	return nil
}
