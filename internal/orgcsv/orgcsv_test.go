package orgcsv

import (
	"strings"
	"testing"
)

const sample = `ODS Code,Name,Kind,Region,Parent,IP_Ranges,Domains,Contact_Name,Contact_Email,Suppliers
RXX,Example Hospitals NHS Trust,trust,North West,,192.0.2.0/24;2001:db8:1::/48,trust.example,Pat Lee,pat@trust.example,
A81001,Riverside Surgery,gp,North West,,198.51.100.16/28,riverside-surgery.example,,,YS001
VN123,Meadow View Care Home,care_provider,North West,,203.0.113.7,,,,YS001
VN124,Bad Range Care,care_provider,North West,,10.0.0.0/7,,,,
VN125,Unknown Kind Ltd,hospice,North West,,,,,,
VN126,"Unclosed quote care,care_provider
YS001,Care Systems Ltd,supplier,,,,caresystems.example,,,
,No Code,gp,,,,,,,
VN127,Public Suffix Care,care_provider,,,,nhs.uk,,,
`

func TestRead(t *testing.T) {
	rows, bad, err := Read(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Org.ODSCode)
	}
	if strings.Join(got, " ") != "RXX A81001 VN123" {
		t.Errorf("rows read = %v, want RXX A81001 VN123 (the rest after the broken quote are one bad record)", got)
	}
	if len(rows) > 0 && (len(rows[0].Org.IPRanges) != 2 || rows[0].Org.Contacts[0].Email != "pat@trust.example") {
		t.Errorf("first row = %+v", rows[0].Org)
	}
	if len(rows) > 2 && rows[2].Org.IPRanges[0].String() != "203.0.113.7/32" {
		t.Errorf("a bare address is a /32, got %v", rows[2].Org.IPRanges)
	}
	wantBad := []string{"line 5: ip_ranges", "line 6: kind \"hospice\""}
	for i, w := range wantBad {
		if i >= len(bad) || !strings.HasPrefix(bad[i].Error(), w) {
			t.Errorf("bad[%d] = %v, want prefix %q (all: %v)", i, bad, w, bad)
		}
	}
}

func TestReadRows(t *testing.T) {
	tests := []struct {
		name    string
		csv     string
		wantOK  int
		wantBad string
	}{
		{"supplier links", "ods_code,name,kind,suppliers\nA1,GP,gp,YS1; YS2\n", 1, ""},
		{"public suffix domain", "ods_code,name,kind,domains\nA1,GP,gp,nhs.uk\n", 0, "public suffix"},
		{"missing name", "ods_code,name,kind\nA1,,gp\n", 0, "required"},
		{"short row", "ods_code,name,kind,region\nA1,GP,gp\n", 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, bad, err := Read(strings.NewReader(tt.csv))
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != tt.wantOK {
				t.Errorf("%d rows, want %d", len(rows), tt.wantOK)
			}
			if tt.wantBad != "" && (len(bad) != 1 || !strings.Contains(bad[0].Msg, tt.wantBad)) {
				t.Errorf("bad = %v, want one containing %q", bad, tt.wantBad)
			}
		})
	}
}

func TestReadNeedsHeader(t *testing.T) {
	for _, in := range []string{"", "name,kind\nx,gp\n"} {
		if _, _, err := Read(strings.NewReader(in)); err == nil {
			t.Errorf("Read(%q) should fail with a message about the header", in)
		}
	}
}

// FuzzRead checks that any input gives rows or row errors, never a panic, and that every
// row read has the required fields.
func FuzzRead(f *testing.F) {
	f.Add(sample)
	f.Add("ods_code,name,kind\nA1,GP,gp\n")
	f.Fuzz(func(t *testing.T, s string) {
		rows, _, _ := Read(strings.NewReader(s))
		for _, r := range rows {
			if r.Org.ODSCode == "" || r.Org.Name == "" || r.Org.Kind == "" {
				t.Fatalf("row without required fields: %+v", r)
			}
		}
	})
}
