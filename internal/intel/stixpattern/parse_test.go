package stixpattern

import (
	"errors"
	"strings"
	"testing"
)

// TestParsePattern checks that patterns of every shape in STIX 2.1 section 9 parse, by printing
// the AST back in canonical form: parentheses in want show how the parser grouped terms.
func TestParsePattern(t *testing.T) {
	tests := []struct {
		name, pattern, want string
	}{
		{"ipv4", "[ipv4-addr:value = '198.51.100.1/32']", ""},
		{"no spaces", "[domain-name:value='x.example']", "[domain-name:value = 'x.example']"},
		{"spaces inside brackets", "[ ipv4-addr:value = '10.0.0.0' ]", "[ipv4-addr:value = '10.0.0.0']"},
		{"double equals", "[file:name == 'a']", "[file:name = 'a']"},
		{"diamond not equal", "[file:name <> 'a']", "[file:name != 'a']"},
		{"quoted hash name", "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']", ""},
		{"bare hash name", "[file:hashes.sha256 = 'ab']", ""},
		{"quoted first component", "[file:'name' = 'a']", "[file:name = 'a']"},
		{"quoted key that needs quotes", "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]", ""},
		{"list index", "[file:extensions.'windows-pebinary-ext'.sections[0].name = '.text']", ""},
		{"negative list index", "[x:a[-1] = 1]", ""},
		{"body multipart", "[email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']", ""},
		{"resolves_to_refs", "[domain-name:resolves_to_refs[*].value = '198.51.100.1']", ""},
		{"dst_ref", "[network-traffic:dst_ref.value = '203.0.113.33' AND network-traffic:dst_port = 443]", ""},
		{"custom object", "[x-acme-widget:serial = 'X1']", ""},
		{"OR of comparisons", "[url:value = 'http://a/' OR url:value = 'http://b/' OR url:value = 'http://c/']", ""},
		{"AND binds tighter than OR",
			"[file:name = 'a' OR file:size = 1 AND file:name = 'b']",
			"[file:name = 'a' OR (file:size = 1 AND file:name = 'b')]"},
		{"parentheses override precedence",
			"[(file:name = 'a' OR file:name = 'b') AND file:size = 1]",
			"[(file:name = 'a' OR file:name = 'b') AND file:size = 1]"},
		{"redundant parentheses", "[((file:name = 'a'))]", "[file:name = 'a']"},
		{"NOT before operator", "[file:name NOT = 'a']", ""},
		{"NOT IN", "[ipv4-addr:value NOT IN ('10.0.0.1', '10.0.0.2')]", ""},
		{"NOT LIKE", "[directory:path NOT LIKE 'C:\\\\Windows%']", ""},
		{"IN strings", "[url:value IN ('http://a/', 'http://b/')]", ""},
		{"IN mixed", "[x:a IN (1, -2, 3.5, true, 'x')]", ""},
		{"IN empty", "[x:a IN ()]", ""},
		{"ordering operators", "[file:size >= 10 AND file:size < 100 AND file:size > 1 AND file:size <= 99]", ""},
		{"LIKE", "[directory:path LIKE 'C:\\\\Windows\\\\%\\\\foo']", ""},
		{"ISSUBSET", "[ipv4-addr:value ISSUBSET '198.51.100.0/24']", ""},
		{"ISSUPERSET", "[ipv4-addr:value ISSUPERSET '198.51.100.0/24']", ""},
		{"EXISTS", "[EXISTS windows-registry-key:values]", ""},
		{"EXISTS in AND", "[file:name = 'a' AND EXISTS file:hashes.MD5]", ""},
		{"booleans", "[user-account:is_disabled = true OR user-account:is_privileged = false]", ""},
		{"negative numbers", "[x:a = -5 OR x:b = -0.5 OR x:c = +3 OR x:d = .5]", "[x:a = -5 OR x:b = -0.5 OR x:c = +3 OR x:d = .5]"},
		{"binary literal", "[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']", ""},
		{"empty binary literal", "[artifact:payload_bin = b'']", ""},
		{"hex literal", "[network-traffic:extensions.'icmp-ext'.icmp_type_hex = h'08']", ""},
		{"timestamp literal", "[process:created = t'2010-12-09T20:17:34.934295Z']", ""},
		{"string escapes", `[mutex:name = '9-15\'rat' OR x:y = 'a\\b']`, ""},
		{"unicode string", "[file:name = 'résumé.exe']", ""},
		{"observation OR", "[file:name = 'a'] OR [ipv4-addr:value = '10.0.0.1']", ""},
		{"observation AND", "[file:name = 'a'] AND [ipv4-addr:value = '10.0.0.1']", ""},
		{"FOLLOWEDBY", "[file:name = 'a'] FOLLOWEDBY [ipv4-addr:value = '10.0.0.1']", ""},
		{"observation precedence",
			"[a:b = 1] OR [a:b = 2] AND [a:b = 3] FOLLOWEDBY [a:b = 4]",
			"([a:b = 1] OR ([a:b = 2] AND [a:b = 3])) FOLLOWEDBY [a:b = 4]"},
		{"observation parentheses",
			"([a:b = 1] OR [a:b = 2]) AND [a:b = 3]",
			"([a:b = 1] OR [a:b = 2]) AND [a:b = 3]"},
		{"WITHIN", "[a:b = 1] AND [a:b = 2] WITHIN 300 SECONDS", ""},
		{"WITHIN on a group", "([a:b = 1] AND [a:b = 2]) WITHIN 1.5 SECONDS", ""},
		{"REPEATS", "[a:b = 1] REPEATS 5 TIMES", ""},
		{"START STOP",
			"[a:b = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'", ""},
		{"START STOP as STIX 2.0 strings",
			"[a:b = 1] START '2016-06-01T00:00:00Z' STOP '2016-07-01T00:00:00Z'",
			"[a:b = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'"},
		{"qualifiers chained", "[a:b = 1] REPEATS 2 TIMES WITHIN 10 SECONDS", ""},
		{"spec example: Poison Ivy",
			"[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c'] AND [win-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar'] WITHIN 300 SECONDS", ""},
		{"block comment", "[a:b = 1 /* why */ OR a:b = 2]", "[a:b = 1 OR a:b = 2]"},
		{"line comment", "[a:b = 1 // why\n OR a:b = 2]", "[a:b = 1 OR a:b = 2]"},
		{"newlines and tabs", "[a:b = 1\n\tOR\r\n a:b = 2]", "[a:b = 1 OR a:b = 2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want == "" {
				want = tt.pattern
			}
			e, err := Parse(tt.pattern)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.pattern, err)
			}
			if got := e.String(); got != want {
				t.Errorf("Parse(%q) = %s, want %s", tt.pattern, got, want)
			}
		})
	}
}

// TestParsePatternErrors checks that bad patterns fail at the right byte with a useful message.
func TestParsePatternErrors(t *testing.T) {
	tests := []struct {
		name, pattern string
		offset        int
		msg           string
	}{
		{"empty", "", 0, "expected '[' or '('"},
		{"no brackets", "file:name = 'a'", 0, "expected '[' or '('"},
		{"unclosed bracket", "[file:name = 'a'", 16, "expected AND, OR or ']'"},
		{"unclosed paren", "([file:name = 'a']", 18, "')'"},
		{"unterminated string", "[file:name = 'a]", 13, "string is not terminated"},
		{"bad escape", `[file:name = 'a\nb']`, 15, `only \' and \\ are allowed`},
		{"no operator", "[file:name 'a']", 11, "expected a comparison operator"},
		{"unknown operator", "[file:name INVALID-CONDITION 80]", 11, "expected a comparison operator"},
		{"no value", "[file:name = ]", 13, "expected a value"},
		{"no object path", "[= 'a']", 1, "expected an object path"},
		{"no colon", "[file = 'a']", 6, "':' after the object type file"},
		{"unquoted hyphen key", "[file:extensions.windows-pebinary-ext.sections[*].entropy > 7]", 17, "quote it as 'windows-pebinary-ext'"},
		{"unconverted term", "[file:name = 'a' OR unconverted_term:mandiant:observable-1]", 45, "found ':'"},
		{"lower-case keyword", "[file:name = 'a' or file:name = 'b']", 17, "keywords are upper case"},
		{"trailing junk", "[file:name = 'a'] ]", 18, "end of the pattern"},
		{"dangling OR", "[file:name = 'a' OR]", 19, "expected an object path"},
		{"dangling observation OR", "[file:name = 'a'] OR", 20, "expected '[' or '('"},
		{"LIKE needs a string", "[file:name LIKE 5]", 16, "LIKE needs a string"},
		{"ordering a boolean", "[file:size > true]", 13, "> cannot compare with true"},
		{"IN without parens", "[file:name IN 'a']", 14, "'(' after IN"},
		{"IN missing comma", "[file:name IN ('a' 'b')]", 19, "',' or ')'"},
		{"bad hex", "[x:a = h'0g']", 7, "invalid hex literal"},
		{"odd hex", "[x:a = h'123']", 7, "invalid hex literal"},
		{"bad base64", "[x:a = b'abc']", 7, "invalid binary literal"},
		{"bad timestamp", "[x:a = t'2020-13-01T00:00:00Z']", 7, "invalid timestamp"},
		{"February 30th", "[x:a = t'2024-02-30T00:00:00Z']", 7, "February 2024 has no day 30"},
		{"February 29th of a common year", "[x:a = t'2023-02-29T00:00:00Z']", 7, "February 2023 has no day 29"},
		{"hour 25", "[x:a = t'2024-01-01T25:00:00Z']", 7, "25:00:00 is not a time of day"},
		{"WITHIN twice", "[a:b = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS", 27, "already has a WITHIN qualifier"},
		{"REPEATS twice", "[a:b = 1] REPEATS 2 TIMES WITHIN 5 SECONDS REPEATS 3 TIMES", 43, "already has a REPEATS qualifier"},
		{"timestamp without Z", "[x:a = t'2020-01-01T00:00:00+01:00']", 7, "ending in Z"},
		{"leading zero", "[x:a = 007]", 7, "leading zero"},
		{"integer overflow", "[x:a = 99999999999999999999]", 7, "out of range"},
		{"dot without digits", "[x:a = 1.]", 9, "expected a digit after '.'"},
		{"junk after number", "[x:a = 12ab]", 9, "after number"},
		{"lone minus", "[x:a = -]", 7, `unexpected "-"`},
		{"bang alone", "[x:a ! 1]", 5, "did you mean '!='"},
		{"stray character", "[x:a = 1] @", 10, "unexpected character '@'"},
		{"WITHIN without SECONDS", "[a:b = 1] WITHIN 5", 18, "expected SECONDS"},
		{"WITHIN zero", "[a:b = 1] WITHIN 0 SECONDS", 17, "positive number"},
		{"WITHIN negative", "[a:b = 1] WITHIN -5 SECONDS", 17, "positive number"},
		{"REPEATS float", "[a:b = 1] REPEATS 1.5 TIMES", 18, "whole number"},
		{"START without STOP", "[a:b = 1] START t'2016-06-01T00:00:00Z'", 39, "expected STOP"},
		{"STOP before START", "[a:b = 1] START t'2016-07-01T00:00:00Z' STOP t'2016-06-01T00:00:00Z'", 45, "not after START"},
		{"unclosed comment", "[a:b = 1] /* x", 10, "comment is not closed"},
		{"index not a number", "[a:b[x] = 1]", 5, "list index or '*'"},
		{"index unclosed", "[a:b[1 = 1]", 7, "']' after the list index"},
		{"too deep", strings.Repeat("(", 200) + "[a:b = 1]" + strings.Repeat(")", 200), 100, "nest deeper than 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.pattern)
			if err == nil {
				t.Fatalf("Parse(%q) = %s, want an error", tt.pattern, e)
			}
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q) error %T, want *Error", tt.pattern, err)
			}
			if perr.Offset != tt.offset || !strings.Contains(perr.Msg, tt.msg) {
				t.Errorf("Parse(%q) error = %v, want offset %d and %q", tt.pattern, err, tt.offset, tt.msg)
			}
		})
	}
}

// TestParsePatternLiterals checks the decoded values a literal carries beside its text.
func TestParsePatternLiterals(t *testing.T) {
	tests := []struct {
		name, value string
		check       func(Literal) bool
	}{
		{"escaped string", `'it\'s \\ here'`, func(l Literal) bool { return l.Kind == String && l.Text == `it's \ here` }},
		{"int", "-42", func(l Literal) bool { return l.Kind == Int && l.Int == -42 && l.Float == -42 }},
		{"float", "2.5", func(l Literal) bool { return l.Kind == Float && l.Float == 2.5 }},
		{"bool", "true", func(l Literal) bool { return l.Kind == Bool && l.Bool }},
		{"binary", "b'aGk='", func(l Literal) bool { return l.Kind == Binary && string(l.Bytes) == "hi" }},
		{"hex", "h'ff00'", func(l Literal) bool { return l.Kind == Hex && len(l.Bytes) == 2 && l.Bytes[0] == 0xff }},
		{"timestamp", "t'2016-06-01T01:02:03.5Z'", func(l Literal) bool {
			return l.Kind == Timestamp && l.Time.Hour() == 1 && l.Time.Nanosecond() == 5e8
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse("[x:y = " + tt.value + "]")
			if err != nil {
				t.Fatal(err)
			}
			lit := e.(*Observation).Cond.(*Comparison).Value
			if !tt.check(lit) {
				t.Errorf("literal %s decoded as %+v", tt.value, lit)
			}
		})
	}
}
