package vuln

import (
	"math"
	"strings"
)

// v4Metrics lists the values each CVSS v4.0 metric may take.
var v4Metrics = map[string]string{
	"AV": "N A L P", "AC": "L H", "AT": "N P", "PR": "N L H", "UI": "N P A",
	"VC": "H L N", "VI": "H L N", "VA": "H L N", "SC": "H L N", "SI": "H L N", "SA": "H L N",
	"E": "X A P U", "CR": "X H M L", "IR": "X H M L", "AR": "X H M L",
	"MAV": "X N A L P", "MAC": "X L H", "MAT": "X N P", "MPR": "X N L H", "MUI": "X N P A",
	"MVC": "X H L N", "MVI": "X H L N", "MVA": "X H L N",
	"MSC": "X H L N", "MSI": "X S H L N", "MSA": "X S H L N",
	"S": "X N P", "AU": "X N Y", "R": "X A U I", "V": "X D C", "RE": "X L M H",
	"U": "X Clear Green Amber Red",
}

var v4Base = []string{"AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"}

// v4Levels is each metric value's severity distance from the worst value, in steps of
// 0.1, used to place a vector inside its MacroVector.
var v4Levels = map[string]map[string]float64{
	"AV": {"N": 0, "A": 0.1, "L": 0.2, "P": 0.3},
	"PR": {"N": 0, "L": 0.1, "H": 0.2},
	"UI": {"N": 0, "P": 0.1, "A": 0.2},
	"AC": {"L": 0, "H": 0.1},
	"AT": {"N": 0, "P": 0.1},
	"VC": {"H": 0, "L": 0.1, "N": 0.2},
	"VI": {"H": 0, "L": 0.1, "N": 0.2},
	"VA": {"H": 0, "L": 0.1, "N": 0.2},
	"SC": {"H": 0.1, "L": 0.2, "N": 0.3},
	"SI": {"S": 0, "H": 0.1, "L": 0.2, "N": 0.3},
	"SA": {"S": 0, "H": 0.1, "L": 0.2, "N": 0.3},
	"CR": {"H": 0, "M": 0.1, "L": 0.2},
	"IR": {"H": 0, "M": 0.1, "L": 0.2},
	"AR": {"H": 0, "M": 0.1, "L": 0.2},
}

// v4MaxVectors are the highest-severity vectors of each EQ level (EQ3 and EQ6 together),
// from the specification's reference calculator.
var v4MaxVectors = struct {
	eq1, eq2, eq4, eq5 map[byte][]string
	eq3eq6             map[string][]string
}{
	eq1: map[byte][]string{'0': {"AV:N/PR:N/UI:N"}, '1': {"AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"},
		'2': {"AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"}},
	eq2: map[byte][]string{'0': {"AC:L/AT:N"}, '1': {"AC:H/AT:N", "AC:L/AT:P"}},
	eq3eq6: map[string][]string{
		"00": {"VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"},
		"01": {"VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"},
		"10": {"VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"},
		"11": {"VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M",
			"VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"},
		"21": {"VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"},
	},
	eq4: map[byte][]string{'0': {"SC:H/SI:S/SA:S"}, '1': {"SC:H/SI:H/SA:H"}, '2': {"SC:L/SI:L/SA:L"}},
	eq5: map[byte][]string{'0': {"E:A"}, '1': {"E:P"}, '2': {"E:U"}},
}

// v4Depth is the largest severity distance inside each EQ level, plus one, in steps of 0.1.
var v4Depth = struct {
	eq1, eq2, eq4 map[byte]float64
	eq3eq6        map[string]float64
}{
	eq1:    map[byte]float64{'0': 1, '1': 4, '2': 5},
	eq2:    map[byte]float64{'0': 1, '1': 2},
	eq3eq6: map[string]float64{"00": 7, "01": 6, "10": 8, "11": 8, "21": 10},
	eq4:    map[byte]float64{'0': 6, '1': 5, '2': 4},
}

type v4Vector map[string]string

// m is the value a metric takes for scoring: a modified metric replaces its base
// metric, and an unset threat or requirement metric counts as the worst case.
func (v v4Vector) m(k string) string {
	switch k {
	case "E":
		return orDefault(v["E"], "A")
	case "CR", "IR", "AR":
		return orDefault(v[k], "H")
	}
	if mv := v["M"+k]; mv != "" && mv != "X" {
		return mv
	}
	return v[k]
}

func orDefault(value, def string) string {
	if value == "" || value == "X" {
		return def
	}
	return value
}

func (v v4Vector) is(k string, values ...string) bool {
	got := v.m(k)
	for _, want := range values {
		if got == want {
			return true
		}
	}
	return false
}

// macroVector classifies the vector into its six equivalence sets (EQ1…EQ6).
func (v v4Vector) macroVector() string {
	eq := []byte("000000")
	allN := v.is("AV", "N") && v.is("PR", "N") && v.is("UI", "N")
	anyN := v.is("AV", "N") || v.is("PR", "N") || v.is("UI", "N")
	switch {
	case allN:
	case anyN && !v.is("AV", "P"):
		eq[0] = '1'
	default:
		eq[0] = '2'
	}
	if !(v.is("AC", "L") && v.is("AT", "N")) {
		eq[1] = '1'
	}
	switch {
	case v.is("VC", "H") && v.is("VI", "H"):
	case v.is("VC", "H") || v.is("VI", "H") || v.is("VA", "H"):
		eq[2] = '1'
	default:
		eq[2] = '2'
	}
	switch {
	case v.is("SI", "S") || v.is("SA", "S"):
	case v.is("SC", "H") || v.is("SI", "H") || v.is("SA", "H"):
		eq[3] = '1'
	default:
		eq[3] = '2'
	}
	eq[4] = map[string]byte{"A": '0', "P": '1', "U": '2'}[v.m("E")]
	if !(v.is("CR", "H") && v.is("VC", "H") || v.is("IR", "H") && v.is("VI", "H") || v.is("AR", "H") && v.is("VA", "H")) {
		eq[5] = '1'
	}
	return string(eq)
}

// scoreV4 is the CVSS v4.0 scoring: the score of the vector's MacroVector, lowered by
// the mean of how far the vector sits from that MacroVector's highest-severity vectors,
// in proportion to the score gap to the next lower MacroVector.
func scoreV4(vector string) (float64, error) {
	metrics, err := parseVector(vector, v4Metrics, v4Base)
	if err != nil {
		return 0, err
	}
	v := v4Vector(metrics)
	if v.is("VC", "N") && v.is("VI", "N") && v.is("VA", "N") && v.is("SC", "N") && v.is("SI", "N") && v.is("SA", "N") {
		return 0, nil
	}
	mv := v.macroVector()
	value := macroVectorScores[mv]
	dist := v.distances(mv)
	lower := lowerScores(mv)
	eq36 := mv[2:3] + mv[5:6]
	depths := [4]float64{v4Depth.eq1[mv[0]], v4Depth.eq2[mv[1]], v4Depth.eq3eq6[eq36], v4Depth.eq4[mv[3]]}
	var sum float64
	n := 0
	for i, low := range lower {
		if math.IsNaN(low) {
			continue
		}
		n++
		if i < 4 { // EQ5's distance is always 0
			sum += (value - low) * dist[i] / (depths[i] * 0.1)
		}
	}
	if n > 0 {
		value -= sum / float64(n)
	}
	return roundV4(math.Max(0, math.Min(10, value))), nil
}

// roundV4 rounds to one decimal as the reference calculator does, with a small epsilon
// so 4.45 held as 4.4499999 still rounds up.
func roundV4(x float64) float64 {
	return math.Round((x+1e-6)*10) / 10
}

// lowerScores gives, for EQ1, EQ2, EQ3+EQ6, EQ4 and EQ5, the score of the next lower
// MacroVector, NaN where there is none.
func lowerScores(mv string) [5]float64 {
	bump := func(positions ...int) float64 {
		b := []byte(mv)
		for _, p := range positions {
			b[p]++
		}
		if s, ok := macroVectorScores[string(b)]; ok {
			return s
		}
		return math.NaN()
	}
	var eq36 float64
	switch mv[2:3] + mv[5:6] {
	case "11", "01":
		eq36 = bump(2)
	case "10":
		eq36 = bump(5)
	case "00":
		eq36 = math.Max(bump(5), bump(2))
	default:
		eq36 = bump(2, 5)
	}
	return [5]float64{bump(0), bump(1), eq36, bump(3), bump(4)}
}

// distances is the vector's severity distance, per EQ1, EQ2, EQ3+EQ6 and EQ4, from the
// first highest-severity vector of its MacroVector that is at least as severe in every
// metric.
func (v v4Vector) distances(mv string) [4]float64 {
	var d map[string]float64
	for _, max := range v.maxVectors(mv) {
		d = map[string]float64{}
		below := false
		for _, part := range strings.Split(max, "/") {
			k, val, _ := strings.Cut(part, ":")
			if levels, ok := v4Levels[k]; ok {
				d[k] = levels[v.m(k)] - levels[val]
				below = below || d[k] < 0
			}
		}
		if !below {
			break
		}
	}
	return [4]float64{
		d["AV"] + d["PR"] + d["UI"],
		d["AC"] + d["AT"],
		d["VC"] + d["VI"] + d["VA"] + d["CR"] + d["IR"] + d["AR"],
		d["SC"] + d["SI"] + d["SA"],
	}
}

// maxVectors composes the highest-severity vectors of the MacroVector from those of
// each EQ level.
func (v v4Vector) maxVectors(mv string) []string {
	out := []string{""}
	for _, choices := range [][]string{v4MaxVectors.eq1[mv[0]], v4MaxVectors.eq2[mv[1]],
		v4MaxVectors.eq3eq6[mv[2:3]+mv[5:6]], v4MaxVectors.eq4[mv[3]], v4MaxVectors.eq5[mv[4]]} {
		var next []string
		for _, prefix := range out {
			for _, c := range choices {
				next = append(next, prefix+c+"/")
			}
		}
		out = next
	}
	return out
}
