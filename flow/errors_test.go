package flow_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/termsafe"
)

func TestMissingConfig(t *testing.T) {
	tests := map[string]string{
		"Missing required configuration entries: onedrivebusiness.site.address":                     "onedrivebusiness.site.address",
		"The following configuration is required: 'site.url', \"box.api.region\" and f_g.h-i.":      "site.url,box.api.region,f_g.h-i",
		"Config entry onedrivebusiness.site.address is missing (see api.cloud-x.com, e.g. my.site)": "onedrivebusiness.site.address,my.site",
		"Invalid code":                                "",
		"Missing entries: none listed":                "",
		"oauth.api.key refused by provider (no hint)": "",
	}
	for msg, want := range tests {
		if got := strings.Join(platform.MissingConfig(msg), ","); got != want {
			t.Errorf("MissingConfig(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestSanitize(t *testing.T) {
	if got := termsafe.Sanitize("a\x1b[31m\n\n b\x00c\u202e", 100); got != "a[31m bc" {
		t.Errorf("got %q", got)
	}
	if got := termsafe.Sanitize(strings.Repeat("x", 50), 10); got != strings.Repeat("x", 10)+"…" {
		t.Errorf("got %q", got)
	}
}

func TestParseTags(t *testing.T) {
	got := flow.ParseTags(" a, b ,a", "c\nd\r\n, ,b")
	if strings.Join(got, "|") != "a|b|c|d" {
		t.Fatalf("%q", got)
	}
	if got := flow.ParseTags(); got == nil || len(got) != 0 {
		t.Fatalf("no tags should be an empty, non-nil list: %#v", got)
	}
}

// One rule for tags, in every front-end: plain text only.
func TestValidTags(t *testing.T) {
	for in, ok := range map[string]bool{
		"":                             true,
		"a, b":                         true,
		"team x,\nprod":                true,
		"x\x01y":                       false,
		"ok, x\x1b[31my":               false,
		"a\u202eb":                     false,
		"two  spaces":                  false,
		strings.Repeat("t", 201):       false,
		strings.Repeat("t", 200) + ",": true,
	} {
		if err := flow.ValidTags(in); (err == nil) != ok {
			t.Errorf("ValidTags(%q) = %v, want ok=%v", in, err, ok)
		}
	}
	if err := flow.ValidTags("fine", "x\x01y"); err == nil || !strings.Contains(err.Error(), `"x\x01y"`) {
		t.Errorf("the refused tag is not named, escaped: %v", err)
	}
}

func TestRedactURL(t *testing.T) {
	got := platform.RedactURL("https://u:p@h/x?apiKey=id&apiSecret=s3cr3t&state=st4te&code=c0de&oauth.user.token=t0k")
	for _, leak := range []string{"s3cr3t", "st4te", "c0de", "t0k", ":p@"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q leaks %q", got, leak)
		}
	}
	if !strings.Contains(got, "apiKey=id") {
		t.Errorf("%q lost a non-secret value", got)
	}
}

func TestCurlHasNoSecrets(t *testing.T) {
	r := platform.InstanceRequest{
		Connector: "onedrivebusiness", Code: "c0de-value", ClientID: "cid", ClientSecret: "cl1ent-secret",
		CallbackURL: "http://127.0.0.1:8750/callback", Extra: map[string]string{"x.price": "$5 `rm`"}, Tags: []string{"a"}, Name: "n",
	}
	out := r.Curl("http://h/api/")
	for _, leak := range []string{"c0de-value", "cl1ent-secret"} {
		if strings.Contains(out, leak) {
			t.Fatalf("curl shows a secret:\n%s", out)
		}
	}
	for _, want := range []string{"${CONNECTWIZ_CODE}", "${CONNECTWIZ_CLIENT_SECRET}", "${CONNECTWIZ_USER_SECRET}", `\$5 \` + "`rm\\`", "'http://h/api/instances'"} {
		if !strings.Contains(out, want) {
			t.Errorf("curl lacks %q:\n%s", want, out)
		}
	}
}

// TestSanitizeTerminalSafe: every character that can drive a terminal or
// reorder what is shown is removed, so escape sequences become inert text.
func TestSanitizeTerminalSafe(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"OSC 0 title", "a\x1b]0;owned\x07b", "a]0;ownedb"},
		{"OSC 52 clipboard", "\x1b]52;c;cm0gLXJmIH4=\x07x", "]52;c;cm0gLXJmIH4=x"},
		{"OSC 8 link ST", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "]8;;http://evil\\click]8;;\\"},
		{"CSI clear", "x\x1b[2J\x1b[Hy", "x[2J[Hy"},
		{"BEL", "ding\x07dong", "dingdong"},
		{"8-bit CSI and OSC", "a\u009b2Jb\u009d0;t\u009cc", "a2Jb0;tc"},
		{"all C1", "<" + c1() + ">", "<>"},
		{"raw C1 bytes (invalid UTF-8)", "a\x9b2J\x9db", "a2Jb"},
		{"bidi overrides", "\u202aa\u202bb\u202cc\u202dd\u202ee", "abcde"},
		{"bidi isolates", "\u2066a\u2067b\u2068c\u2069d", "abcd"},
		{"marks", "\u200ea\u200fb\u061cc", "abc"},
		{"zero width", "a\u200bb\u200cc\u200dd\u2060e\ufeff", "abcde"},
		{"tags", "a\U000E0001\U000E0041b", "ab"},
		{"DEL and NUL", "a\x7fb\x00c", "abc"},
		{"line breaks fold", "a\r\n\u2028b\u0085c", "a b c"},
		{"printable kept", "Café — ✓ 日本", "Café — ✓ 日本"},
	}
	for _, tt := range tests {
		got := termsafe.Sanitize(tt.in, 200)
		if got != tt.want {
			t.Errorf("%s: Sanitize(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
		for _, r := range got {
			if r < 0x20 || r >= 0x7f && r <= 0x9f || unicode.Is(unicode.Cf, r) {
				t.Errorf("%s: %U survived", tt.name, r)
			}
		}
	}
}

func c1() string {
	var b strings.Builder
	for r := rune(0x80); r <= 0x9f; r++ {
		if r != 0x85 { // NEL is a line break: folded to a space, tested above
			b.WriteRune(r)
		}
	}
	return b.String()
}
