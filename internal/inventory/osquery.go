package inventory

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
)

// osqueryRow is one row of an osquery software table, with where it was.
type osqueryRow struct {
	table string // "programs", "deb_packages"…; "" until told from the columns
	cols  map[string]string
	loc   string
}

// osqueryTables are the software tables read, in the order a query name is searched for
// them ("pack_inventory_deb_packages" is deb_packages).
var osqueryTables = []string{"python_packages", "npm_packages", "deb_packages", "rpm_packages", "programs", "apps"}

// parseOsquery reads osquery results: osqueryi --json output (one array of rows) or an
// osqueryd result log (one JSON object a line, event rows under "columns", snapshots
// under "snapshot", batches under "diffResults"). Removed rows are software that left
// the machine, so only added and snapshot rows are kept.
func parseOsquery(inv *Inventory, data []byte) error {
	var rows []osqueryRow
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
		var list []map[string]any
		if err := json.Unmarshal(data, &list); err != nil {
			return jsonError(data, err)
		}
		for i, r := range list {
			rows = append(rows, osqueryRow{cols: osqueryStrings(r), loc: "[" + strconv.Itoa(i) + "]"})
		}
	} else {
		rows = inv.osqueryLog(data)
	}
	distro := debDistro(rows)
	for _, r := range rows {
		inv.osqueryRow(r, distro)
	}
	return nil
}

// osqueryLine is one osqueryd result log line.
type osqueryLine struct {
	Name        string           `json:"name"`
	Host        string           `json:"hostIdentifier"`
	Action      string           `json:"action"`
	Columns     map[string]any   `json:"columns"`
	Snapshot    []map[string]any `json:"snapshot"`
	DiffResults struct {
		Added []map[string]any `json:"added"`
	} `json:"diffResults"`
}

func (inv *Inventory) osqueryLog(data []byte) []osqueryRow {
	var rows []osqueryRow
	eachLine(data, func(n int, line string) {
		if strings.TrimSpace(line) == "" {
			return
		}
		var l osqueryLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			inv.addProblem(lineLoc(n), "not an osquery result line: %v", err)
			return
		}
		loc := lineLoc(n)
		if l.Host != "" {
			loc += " (host " + l.Host + ")"
		}
		table := osqueryTableOfQuery(l.Name)
		add := func(cols map[string]any) {
			rows = append(rows, osqueryRow{table: table, cols: osqueryStrings(cols), loc: loc})
		}
		if l.Columns != nil && l.Action != "removed" {
			add(l.Columns)
		}
		for _, r := range l.Snapshot {
			add(r)
		}
		for _, r := range l.DiffResults.Added {
			add(r)
		}
	})
	return rows
}

func osqueryTableOfQuery(name string) string {
	for _, t := range osqueryTables {
		if strings.Contains(name, t) {
			return t
		}
	}
	return ""
}

// osqueryStrings turns a row's values into strings (osqueryd writes numbers when its
// "numerics" option is on).
func osqueryStrings(r map[string]any) map[string]string {
	out := make(map[string]string, len(r))
	for k, v := range r {
		switch v := v.(type) {
		case string:
			out[k] = strings.TrimSpace(v)
		case nil:
		default:
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// osqueryTableOfColumns tells a row's table from its columns, for osqueryi output that
// does not say which query it answers.
func osqueryTableOfColumns(c map[string]string) string {
	has := func(k string) bool { _, ok := c[k]; return ok }
	switch {
	case has("bundle_identifier") || has("bundle_short_version"):
		return "apps"
	case has("release") && (has("epoch") || has("package_group") || has("vendor")):
		return "rpm_packages"
	case has("maintainer") || has("revision") || has("priority") || (has("source") && has("arch")):
		return "deb_packages"
	case has("summary"):
		return "python_packages"
	case has("homepage") || has("description") || has("directory") && has("author"):
		return "npm_packages"
	case has("publisher") || has("install_location") || has("identifying_number"):
		return "programs"
	}
	return ""
}

// debDistro decides whether the machine's Debian packages are Ubuntu's: osquery does not
// say, but Ubuntu's versions and maintainers name it. A machine runs one distribution,
// so one sign settles it for every row.
func debDistro(rows []osqueryRow) string {
	for _, r := range rows {
		if strings.Contains(strings.ToLower(r.cols["version"]+r.cols["maintainer"]), "ubuntu") {
			return "ubuntu"
		}
	}
	return "debian"
}

func (inv *Inventory) osqueryRow(r osqueryRow, distro string) {
	table := cmp.Or(r.table, osqueryTableOfColumns(r.cols))
	name, version := r.cols["name"], r.cols["version"]
	if name == "" {
		inv.addProblem(r.loc, "an osquery row without a name")
		return
	}
	var c vigil.Component
	switch table {
	case "python_packages":
		c = packageComponent("PyPI", name, version, "")
	case "npm_packages":
		c = packageComponent("npm", name, version, "")
	case "deb_packages":
		c = debComponent(r.cols, distro)
	case "rpm_packages":
		c = rpmComponent(r.cols)
	case "apps":
		product := cmp.Or(strings.TrimSuffix(name, ".app"), name)
		c = vigil.Component{Name: product, Product: product, Version: cmp.Or(r.cols["bundle_short_version"], r.cols["bundle_version"])}
	default: // programs, or a table vigil does not know: kept as a product
		c = vigil.Component{Name: name, Product: name, Vendor: r.cols["publisher"], Version: version}
	}
	c.Location = r.loc
	inv.add(c)
}

// debComponent is a Debian or Ubuntu package, with the source package OSV files
// advisories under.
func debComponent(cols map[string]string, distro string) vigil.Component {
	eco := EcosystemOfPURLType("deb", distro)
	p := PURL{Type: "deb", Namespace: distro, Name: cols["name"], Version: cols["version"],
		Qualifiers: map[string]string{"arch": cols["arch"]}}
	src := debianSource(cols["source"])
	if src == cols["name"] {
		src = ""
	}
	return vigil.Component{Ecosystem: eco, Name: cols["name"], Version: cols["version"], SourcePackage: src, PURL: purlString(p)}
}

// rpmVendors maps an RPM vendor to its purl namespace and OSV ecosystem.
var rpmVendors = []struct{ vendor, namespace string }{
	{"red hat", "redhat"}, {"rocky", "rocky-linux"}, {"almalinux", "almalinux"},
	{"opensuse", "opensuse"}, {"suse", "suse"}, {"fedora", "fedora"}, {"centos", "centos"},
}

// rpmComponent is an RPM package at [epoch:]version-release, placed by its vendor.
func rpmComponent(cols map[string]string) vigil.Component {
	version := cols["version"]
	if rel := cols["release"]; rel != "" {
		version += "-" + rel
	}
	if e := cols["epoch"]; e != "" && e != "0" {
		version = e + ":" + version
	}
	ns := ""
	vendor := strings.ToLower(cols["vendor"])
	for _, v := range rpmVendors {
		if strings.Contains(vendor, v.vendor) {
			ns = v.namespace
			break
		}
	}
	p := PURL{Type: "rpm", Namespace: ns, Name: cols["name"], Version: version, Qualifiers: map[string]string{"arch": cols["arch"]}}
	return vigil.Component{Ecosystem: EcosystemOfPURLType("rpm", ns), Name: cols["name"], Version: version,
		Vendor: cols["vendor"], PURL: purlString(p)}
}

// purlString is the canonical purl, or "" when the parts make none.
func purlString(p PURL) string {
	built, err := BuildPURL(p)
	if err != nil {
		return ""
	}
	return built.String()
}
