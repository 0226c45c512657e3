package intel

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// builtinLists is vigil's own small curated set of warninglists (see docs/warninglists.md):
// public resolvers, hashes of empty content, Windows' own file names, the registrable
// domains of the most used sites as exact values, and shared CDN and cloud front ends
// (flagged, not dropped).
//
//go:embed warninglists
var builtinLists embed.FS

// WarninglistsBuiltin is the setting naming the built-in set; WarninglistsNone names none.
const (
	WarninglistsBuiltin = "builtin"
	WarninglistsNone    = "none"
)

// LoadWarninglistSetting loads the warninglists a setting names: a comma-separated list
// of "builtin" (vigil's curated set) and directories of MISP warninglists; empty means
// "builtin", and "none" means no lists at all (nil).
func LoadWarninglistSetting(setting string) (*Warninglists, error) {
	setting = strings.TrimSpace(setting)
	switch setting {
	case "":
		setting = WarninglistsBuiltin
	case WarninglistsNone:
		return nil, nil
	}
	w := newWarninglists()
	for _, item := range strings.Split(setting, ",") {
		item = strings.TrimSpace(item)
		var err error
		switch {
		case item == WarninglistsBuiltin:
			sub, _ := fs.Sub(builtinLists, "warninglists")
			err = w.addFS(sub, "the built-in set")
		case item == "" || item == WarninglistsNone:
			err = fmt.Errorf("%q: name %s, or directories of MISP warninglists, separated by commas (or %s alone)", setting, WarninglistsBuiltin, WarninglistsNone)
		default:
			if st, serr := os.Stat(item); serr != nil || !st.IsDir() {
				err = fmt.Errorf("%q is not a directory of MISP warninglists (nor %s or %s)", item, WarninglistsBuiltin, WarninglistsNone)
			} else {
				err = w.addFS(os.DirFS(item), item)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return w, nil
}
