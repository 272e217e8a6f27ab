package flow_test

import (
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/flow/browser"
)

// A host that is not valid IDNA, or that hides an invisible character,
// is refused: it could pass for another host.
func TestAuthorizeURLHostWithInvisibleCharacterRefused(t *testing.T) {
	for _, bad := range []string{
		"https://login.micro\u3164soft.com/authorize", // HANGUL FILLER
		"https://login\u115f.example/authorize",
		"https://a\uffa0b.example/",
		"https://a\u2800b.example/",
		"https://a\ufe0fb.example/",
		"https://-bad-.example/",
		"https://xn--ab-.example/", "https://xn--a.example/", "https://a..b.example/",
		"https://exa_mple.com/",
	} {
		if err := browser.CheckBrowserURL(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	for _, good := range []string{"https://bücher.example/a", "https://xn--bcher-kva.example/", "http://127.0.0.1:8750/x", "http://[::1]:1/x", "https://Login.Example.com/"} {
		if err := browser.CheckBrowserURL(good); err != nil {
			t.Errorf("refused %q: %v", good, err)
		}
	}
}

// The on-screen excerpt of a long host keeps the registrable domain.
func TestURLExcerptNeverHidesRegistrableDomain(t *testing.T) {
	u := "https://login.microsoftonline.com." + strings.Repeat("x", 60) + ".attacker.co.uk:8443/authorize?state=s"
	for _, w := range []int{20, 40, 60, 200} {
		got := browser.Excerpt(u, w)
		if !strings.Contains(got, "attacker.co.uk:8443/…") || strings.Contains(got, "state") {
			t.Errorf("width %d: %q", w, got)
		}
	}
	if got := browser.Excerpt("https://p.example/a", 80); got != "https://p.example/…" {
		t.Errorf("%q", got)
	}
	if got := browser.Excerpt("https://a.b.c.example.com/x", 24); got != "https://…c.example.com/…" {
		t.Errorf("%q", got)
	}
}
