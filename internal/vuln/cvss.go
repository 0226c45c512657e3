package vuln

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Severity is a vulnerability's CVSS base score and its rating.
type Severity struct {
	// Score is the CVSS base score, 0.0–10.0; 0 with an empty Vector when only a rating
	// is known.
	Score float64 `json:"score"`
	// Rating is none, low, medium, high or critical (CVSS's bands, in vigil's words);
	// empty when the advisory gives no severity.
	Rating string `json:"rating,omitempty"`
	// Vector is the CVSS vector the score was computed from.
	Vector string `json:"vector,omitempty"`
}

// Rating bands a CVSS score the way both CVSS v3.x and v4.0 do.
func Rating(score float64) string {
	switch {
	case score == 0:
		return "none"
	case score < 4:
		return "low"
	case score < 7:
		return "medium"
	case score < 9:
		return "high"
	}
	return "critical"
}

// ScoreCVSS computes the base score of a CVSS v3.0, v3.1 or v4.0 vector, offline.
func ScoreCVSS(vector string) (float64, error) {
	switch {
	case strings.HasPrefix(vector, "CVSS:3.0/"), strings.HasPrefix(vector, "CVSS:3.1/"):
		return scoreV3(vector)
	case strings.HasPrefix(vector, "CVSS:4.0/"):
		return scoreV4(vector)
	}
	return 0, errors.New("not a CVSS v3.0, v3.1 or v4.0 vector (it must start CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/)")
}

// parseVector splits "CVSS:x/K:V/K:V" into metrics, checking each against allowed and
// that every required metric is present exactly once.
func parseVector(vector string, allowed map[string]string, required []string) (map[string]string, error) {
	parts := strings.Split(vector, "/")[1:]
	metrics := make(map[string]string, len(parts))
	for _, p := range parts {
		k, v, ok := strings.Cut(p, ":")
		values, known := allowed[k]
		switch {
		case !ok:
			return nil, fmt.Errorf("%q is not metric:value", p)
		case !known:
			return nil, fmt.Errorf("unknown metric %q", k)
		case metrics[k] != "":
			return nil, fmt.Errorf("metric %s given twice", k)
		case !strings.Contains(" "+values+" ", " "+v+" "):
			return nil, fmt.Errorf("%s:%s is not one of %s", k, v, values)
		}
		metrics[k] = v
	}
	for _, k := range required {
		if metrics[k] == "" {
			return nil, fmt.Errorf("base metric %s missing", k)
		}
	}
	return metrics, nil
}

// v3Metrics lists the values each CVSS v3 metric may take; only the base metrics count
// for the base score.
var v3Metrics = map[string]string{
	"AV": "N A L P", "AC": "L H", "PR": "N L H", "UI": "N R", "S": "U C",
	"C": "H L N", "I": "H L N", "A": "H L N",
	"E": "X H F P U", "RL": "X U W T O", "RC": "X C R U",
	"CR": "X H M L", "IR": "X H M L", "AR": "X H M L",
	"MAV": "X N A L P", "MAC": "X L H", "MPR": "X N L H", "MUI": "X N R", "MS": "X U C",
	"MC": "X H L N", "MI": "X H L N", "MA": "X H L N",
}

var v3Base = []string{"AV", "AC", "PR", "UI", "S", "C", "I", "A"}

// v3Weights are the metric weights of the CVSS v3.1 specification, section 7.4.
var v3Weights = map[string]map[string]float64{
	"AV":  {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
	"AC":  {"L": 0.77, "H": 0.44},
	"PRU": {"N": 0.85, "L": 0.62, "H": 0.27},
	"PRC": {"N": 0.85, "L": 0.68, "H": 0.5},
	"UI":  {"N": 0.85, "R": 0.62},
	"CIA": {"H": 0.56, "L": 0.22, "N": 0},
}

// scoreV3 is the CVSS v3.x base score equation (v3.1 section 7.1; v3.0 rounds up
// without v3.1's floating-point guard).
func scoreV3(vector string) (float64, error) {
	m, err := parseVector(vector, v3Metrics, v3Base)
	if err != nil {
		return 0, err
	}
	changed := m["S"] == "C"
	iss := 1 - (1-v3Weights["CIA"][m["C"]])*(1-v3Weights["CIA"][m["I"]])*(1-v3Weights["CIA"][m["A"]])
	impact := 6.42 * iss
	pr := v3Weights["PRU"][m["PR"]]
	if changed {
		impact = 7.52*(iss-0.029) - 3.25*math.Pow(iss-0.02, 15)
		pr = v3Weights["PRC"][m["PR"]]
	}
	exploitability := 8.22 * v3Weights["AV"][m["AV"]] * v3Weights["AC"][m["AC"]] * pr * v3Weights["UI"][m["UI"]]
	if impact <= 0 {
		return 0, nil
	}
	sum := impact + exploitability
	if changed {
		sum *= 1.08
	}
	roundUp := roundUp31
	if strings.HasPrefix(vector, "CVSS:3.0/") {
		roundUp = func(x float64) float64 { return math.Ceil(x*10) / 10 }
	}
	return roundUp(math.Min(sum, 10)), nil
}

// roundUp31 is v3.1's Roundup: the smallest one-decimal number not below x, computed in
// integers so 4.000000001 does not become 4.1.
func roundUp31(x float64) float64 {
	i := int64(math.Round(x * 100000))
	if i%10000 == 0 {
		return float64(i) / 100000
	}
	return float64(i/10000+1) / 10
}
