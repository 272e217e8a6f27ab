package termsafe_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/connectwiz/connectwiz/flow/termsafe"
)

func TestEscapeJSONC1AndBidi(t *testing.T) {
	in := map[string]string{"k": "a\u009b2J\u202eb\u2066c\U000e0041d\u00e9\u4e16"}
	var buf bytes.Buffer
	if err := json.NewEncoder(termsafe.JSONWriter(&buf)).Encode(in); err != nil {
		t.Fatal(err)
	}
	want := `{"k":"a\u009b2J\u202eb\u2066c\udb40\udc41d` + "\u00e9\u4e16" + `"}` + "\n"
	if buf.String() != want {
		t.Fatalf("%q, want %q", buf.String(), want)
	}
	var back map[string]string
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back["k"] != in["k"] {
		t.Fatalf("round trip: %q %v", back, err)
	}
}
