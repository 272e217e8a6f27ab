package flow_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/secret"
)

func TestParsePasted(t *testing.T) {
	const st = "good-state-0123456789abcdef"
	tests := []struct {
		name    string
		in      string
		code    string
		checked bool
		err     string
	}{
		{"full URL", "http://127.0.0.1:8750/callback?code=abc&state=" + st, "abc", true, ""},
		{"URL with spaces around", "  https://app.example/auth?state=" + st + "&code=x%2Fy  \n", "x/y", true, ""},
		{"query only", "?code=abc&state=" + st, "abc", true, ""},
		{"query without ?", "code=abc&state=" + st, "abc", true, ""},
		{"fragment ignored", "http://h/cb?code=abc&state=" + st + "#frag", "abc", true, ""},
		{"bare code", "M.R3_BAY.abc-123", "M.R3_BAY.abc-123", false, ""},
		{"empty", "   ", "", false, "nothing was pasted"},
		{"bare code with spaces", "two words", "", false, "not a code"},
		{"wrong state", "http://h/cb?code=abc&state=other", "", false, "does not match"},
		{"missing state", "http://h/cb?code=abc", "", false, "no state"},
		{"duplicated state", "http://h/cb?code=abc&state=" + st + "&state=" + st, "", false, "does not match"},
		{"no code", "http://h/cb?state=" + st, "", false, "no valid code"},
		{"denied", "http://h/cb?error=access_denied&error_description=nope&state=" + st, "", false, "access was denied"},
		{"forged error, wrong state", "http://h/cb?error=access_denied&state=x", "", false, "does not match"},
		{"too long", strings.Repeat("a", 9000), "", false, "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := callback.ParsePasted(tt.in, secret.Secret(st))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				if strings.Contains(err.Error(), st) {
					t.Fatal("the error reveals the expected state")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Code.Reveal() != tt.code || p.StateChecked != tt.checked {
				t.Fatalf("got %q checked=%v", p.Code.Reveal(), p.StateChecked)
			}
		})
	}
	_, err := callback.ParsePasted("http://h/cb?error=access_denied&state="+st, secret.Secret(st))
	var ae *callback.AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("denied should be an *AuthError: %T", err)
	}
}

func TestSecretNeverFormats(t *testing.T) {
	s := secret.Secret("hunter2")
	type wrap struct{ S secret.Secret }
	for _, out := range []string{
		s.String(), fmtAll(s), fmtAll(wrap{s}), fmtAll(&wrap{s}), fmtAll([]secret.Secret{s}),
	} {
		if strings.Contains(out, "hunter2") {
			t.Fatalf("secret leaked: %s", out)
		}
	}
	b, _ := json.Marshal(wrap{s})
	if strings.Contains(string(b), "hunter2") {
		t.Fatalf("secret leaked in JSON: %s", b)
	}
	if s.Reveal() != "hunter2" {
		t.Fatal("Reveal lost the value")
	}
}
