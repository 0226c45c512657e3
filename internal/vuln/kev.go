package vuln

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// KEVEntry is one vulnerability in CISA's Known Exploited Vulnerabilities catalogue.
type KEVEntry struct {
	CVE string `json:"cveID"`
	// DateAdded is when CISA added it (YYYY-MM-DD).
	DateAdded string `json:"dateAdded"`
	// DueDate is the date US federal agencies must remediate by (YYYY-MM-DD).
	DueDate string `json:"dueDate"`
	// Ransomware is "Known" when it is known to be used in ransomware campaigns.
	Ransomware string `json:"knownRansomwareCampaignUse"`
}

// KEV is the catalogue, by CVE ID.
type KEV map[string]KEVEntry

// ParseKEV reads CISA's known_exploited_vulnerabilities.json. An entry without a CVE ID
// is an error naming its position; the catalogue is small enough to be all or nothing.
func ParseKEV(r io.Reader) (KEV, error) {
	var doc struct {
		Vulnerabilities []KEVEntry `json:"vulnerabilities"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a KEV catalogue: %w", err)
	}
	if doc.Vulnerabilities == nil {
		return nil, errors.New("not a KEV catalogue: no vulnerabilities list")
	}
	kev := make(KEV, len(doc.Vulnerabilities))
	for i, e := range doc.Vulnerabilities {
		if !strings.HasPrefix(e.CVE, "CVE-") {
			return nil, fmt.Errorf("vulnerabilities[%d]: cveID %q is not a CVE ID", i, e.CVE)
		}
		kev[e.CVE] = e
	}
	return kev, nil
}
