package jsonpos

import (
	"strings"
	"testing"
)

// TestObjectLines checks each element of the named list is given the line it starts on,
// however the document is laid out.
func TestObjectLines(t *testing.T) {
	doc := "{\n \"a\": 1,\n \"list\": [\n  {\"x\": 1},\n\n  {\"x\": 2}, {\"x\": 3},\n  [\n  ]\n ]\n}\n"
	members, elems, err := Object([]byte(doc), "list")
	if err != nil {
		t.Fatal(err)
	}
	if string(members["a"]) != "1" {
		t.Errorf("member a = %s", members["a"])
	}
	want := []int{4, 6, 6, 7}
	if len(elems) != len(want) {
		t.Fatalf("%d elements, want %d", len(elems), len(want))
	}
	for i, el := range elems {
		if el.Line != want[i] {
			t.Errorf("element %d on line %d, want %d", i, el.Line, want[i])
		}
	}
}

// TestErrorsNameLines checks syntax and type errors say the line, counted from the
// document's start.
func TestErrorsNameLines(t *testing.T) {
	tests := []struct{ doc, want string }{
		{"{\n\"list\": [\n1,\n2,,\n]}", "line 4: not valid JSON"},
		{"{\n\"a\": tru\n}", "line 2: not valid JSON"},
		{"[1]", "line 1: not a JSON object"},
		{"{\"a\": 1", "the JSON ends too soon"},
		{"{}\n\n{}", "line 3: more after the end"},
	}
	for _, tt := range tests {
		_, _, err := Object([]byte(tt.doc), "list")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.doc, err, tt.want)
		}
	}
	elems, err := Array([]byte("[\n{\"n\": 1},\n{\"n\": \"two\"}]"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ N int }
	if err := Decode(elems[1], &v); err == nil || !strings.Contains(err.Error(), "line 3: N is string") {
		t.Errorf("Decode: %v, want the line and field of the wrong type", err)
	}
}
