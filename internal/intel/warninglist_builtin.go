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
	var all []wlSource
	for _, item := range strings.Split(setting, ",") {
		srcs, err := wlSettingItem(setting, strings.TrimSpace(item))
		if err != nil {
			return nil, err
		}
		all = append(all, srcs...)
	}
	w := newWarninglists()
	w.addAll(all) // named together, so that lists of one name in two directories keep apart
	return w, nil
}

// wlSettingItem finds the lists one item of setting names.
func wlSettingItem(setting, item string) ([]wlSource, error) {
	switch {
	case item == WarninglistsBuiltin:
		sub, _ := fs.Sub(builtinLists, "warninglists")
		return wlFind(sub, "the built-in set", WarninglistsBuiltin)
	case item == "" || item == WarninglistsNone:
		return nil, fmt.Errorf("%q: name %s, or directories of MISP warninglists, separated by commas (or %s alone)", setting, WarninglistsBuiltin, WarninglistsNone)
	}
	if st, err := os.Stat(item); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%q is not a directory of MISP warninglists (nor %s or %s)", item, WarninglistsBuiltin, WarninglistsNone)
	}
	return wlFind(os.DirFS(item), item, slashAbs(item))
}
