package wizard

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
)

// A refused OAuth app marks its fields, never the platform URL, whatever
// words the platform uses.
func TestErrorFieldsOAuthApp(t *testing.T) {
	for _, e := range []*platform.APIError{
		{Op: "get the authorize URL", Status: 400, Message: "Invalid apiKey"},
		{Op: "get the authorize URL", Status: 400, Message: "Bad request", ProviderMessage: "AADSTS700016: application not found"},
		{Op: "get the authorize URL", Status: 422, Message: "The OAuth app was rejected"},
	} {
		got := ErrorFields(e)
		if _, marked := got[TitleBaseURL]; marked || got[TitleClientID] == "" {
			t.Errorf("%v marks %v", e, got)
		}
	}
	if got := ErrorFields(&platform.APIError{Status: 502}); got[TitleBaseURL] == "" || got[TitleClientID] != "" {
		t.Errorf("a 502 marks %v", got)
	}
}

// Each authorize error marks the fields a user would fix.
func TestErrorFields(t *testing.T) {
	tests := map[string]struct {
		err  error
		want []string
	}{
		"unauthorized":  {&platform.APIError{Status: 401, Message: "Invalid Organization or User secret"}, []string{TitleUserSecret, TitleOrgSecret}},
		"not found":     {&platform.APIError{Status: 404}, []string{TitleConnector, TitleBaseURL}},
		"callback":      {&platform.APIError{Status: 400, Message: "redirect_uri mismatch"}, []string{TitleCallbackURL}},
		"other 4xx":     {&platform.APIError{Status: 409, Message: "conflict"}, []string{TitleClientID, TitleClientSecret, TitleCallbackURL}},
		"listen":        {errors.Join(errors.New("port in use"), callback.ErrListen), []string{TitleCallbackURL}},
		"unreachable":   {errors.New("dial tcp: connection refused"), []string{TitleBaseURL}},
		"gateway (5xx)": {&platform.APIError{Status: 503}, []string{TitleBaseURL}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := ErrorFields(tc.err)
			if len(got) != len(tc.want) {
				t.Fatalf("marks %v, want %v", got, tc.want)
			}
			for _, w := range tc.want {
				if got[w] == "" {
					t.Errorf("%q not marked (got %v)", w, got)
				}
			}
		})
	}
}

func TestValidCallbackURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"http://127.0.0.1:8750/callback":  true,
		"http://127.0.0.1:0/callback":     true,
		"http://127.0.0.1:99999/callback": false,
		"  ":                              false,
		"ftp://127.0.0.1:8750/callback":   false,
	} {
		if err := ValidCallbackURL(raw); (err == nil) != ok {
			t.Errorf("ValidCallbackURL(%q) = %v, want ok=%v", raw, err, ok)
		}
	}
}

func fullOptions() Options {
	return Options{Creds: flow.Credentials{
		BaseURL: "https://platform.test/api", UserSecret: "user-s3cret", OrgSecret: "org-s3cret",
		ClientID: "cid", ClientSecret: "client-s3cret",
	}, Name: "drive", Extra: map[string]string{"site.api.token": "extra-s3cret", "site.address": "https://contoso"}}
}

// The summary and the review show no secret: the credentials', an extra
// secret-looking entry's, the code's.
func TestSummaryAndReviewMaskSecrets(t *testing.T) {
	a := NewAnswers(fullOptions())
	a.Code = "c0de-s3cret"
	if !a.Complete() {
		t.Fatal("complete answers are not complete")
	}
	var text strings.Builder
	for _, r := range append(a.Summary(), a.Review()...) {
		text.WriteString(r.Label + " " + r.Value + "\n")
	}
	for _, s := range []string{"user-s3cret", "org-s3cret", "client-s3cret", "extra-s3cret", "c0de-s3cret"} {
		if strings.Contains(text.String(), s) {
			t.Errorf("a secret shows:\n%s", text.String())
		}
	}
	for _, want := range []string{"site.address https://contoso", "site.api.token " + secret.Mask, "Name drive", "Tags (none)"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("%q missing from:\n%s", want, text.String())
		}
	}
}

// Remembered secrets fill only what is missing, only for their platform,
// and go again when the answers move to another platform, unless typed
// over.
func TestFillRememberedThenDropForeign(t *testing.T) {
	o := fullOptions()
	o.Creds.UserSecret, o.Creds.ClientSecret = "", ""
	a := NewAnswers(o)
	kept := flow.Credentials{UserSecret: "kept-user", OrgSecret: "kept-org", ClientSecret: "kept-client"}
	if a.FillRemembered(kept, "https://other.test/api") {
		t.Fatal("another platform's secrets were filled")
	}
	if !a.FillRemembered(kept, "https://platform.test/api") || a.UserSecret != "kept-user" || a.OrgSecret != "org-s3cret" || !a.Remember {
		t.Fatal("the remembered secrets were not filled as asked")
	}
	if note := a.DropForeignSecrets(); note != "" {
		t.Fatalf("same platform, dropped: %q", note)
	}
	a.BaseURL, a.ClientSecret = "https://other.test/api", "typed-over"
	note := a.DropForeignSecrets()
	if note == "" || a.UserSecret != "" || a.ClientSecret != "typed-over" || a.OrgSecret != "org-s3cret" {
		t.Fatalf("after moving platforms: note %q; the filled secret kept: %v, the typed one kept: %v", note, a.UserSecret != "", a.ClientSecret == "typed-over")
	}
}

// The missing entries keep their answers, in sorted order, when asked again.
func TestAskMissingKeepsAnswers(t *testing.T) {
	var a Answers
	a.AskMissing([]string{"b.key", "a.key"})
	*a.Missing["a.key"] = "one"
	a.AskMissing([]string{"c.key", "a.key"})
	if strings.Join(a.MissingOrder, ",") != "a.key,c.key" || *a.Missing["a.key"] != "one" {
		t.Fatalf("order %v, a.key %q", a.MissingOrder, *a.Missing["a.key"])
	}
	if got := a.Request().Extra["a.key"]; got != "one" {
		t.Fatalf("the request carries a.key=%q", got)
	}
}

// The outcome follows the result: created, recovered, or aborted with why.
func TestResultOutcome(t *testing.T) {
	var r Result
	if o := r.Outcome(); o.Kind != Aborted || o.Err != nil {
		t.Fatalf("empty result: %+v", o)
	}
	r.SettleRecovered(nil)
	if o := r.Outcome(); o.Kind != Aborted || !errors.Is(o.Err, ErrNothingCreated) {
		t.Fatalf("nothing found: %+v", o)
	}
	r.SettleRecovered([]flow.Recovered{{Found: true}})
	if o := r.Outcome(); o.Kind != Recovered {
		t.Fatalf("found: %+v", o)
	}
	r.Created = &flow.Created{}
	if o := r.Outcome(); o.Kind != Created {
		t.Fatalf("created: %+v", o)
	}
}

// The answers print no secret, whatever the verb.
func TestAnswersFormatMasksSecrets(t *testing.T) {
	a := NewAnswers(fullOptions())
	a.Code = "c0de-s3cret"
	a.AskMissing([]string{"site.password"})
	*a.Missing["site.password"] = "missing-s3cret"
	for _, out := range []string{fmt.Sprintf("%v", a), fmt.Sprintf("%+v", a), fmt.Sprintf("%#v", &a), fmt.Sprintf("%s", a), fmt.Sprint(&a)} {
		for _, s := range []string{"user-s3cret", "org-s3cret", "client-s3cret", "extra-s3cret", "c0de-s3cret", "missing-s3cret"} {
			if strings.Contains(out, s) {
				t.Errorf("%q shows in %s", s, out)
			}
		}
		if !strings.Contains(out, `Name:"drive"`) {
			t.Errorf("the name is missing from %s", out)
		}
	}
}
