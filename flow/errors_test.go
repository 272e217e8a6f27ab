package flow_test

import (
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/flow"
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
		if got := strings.Join(flow.MissingConfig(msg), ","); got != want {
			t.Errorf("MissingConfig(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestSanitize(t *testing.T) {
	if got := flow.Sanitize("a\x1b[31m\n\n b\x00c\u202e", 100); got != "a[31m bc" {
		t.Errorf("got %q", got)
	}
	if got := flow.Sanitize(strings.Repeat("x", 50), 10); got != strings.Repeat("x", 10)+"…" {
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

func TestRedactURL(t *testing.T) {
	got := flow.RedactURL("https://u:p@h/x?apiKey=id&apiSecret=s3cr3t&state=st4te&code=c0de&oauth.user.token=t0k")
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
	r := flow.InstanceRequest{
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
