package callback

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
)

const fuzzState = "fuzz-state-0123456789abcdefghij"

// FuzzParsePasted: never panics; a state-checked code came with exactly
// the session's state; a code never carries white space.
func FuzzParsePasted(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1:8750/callback?code=abc&state=" + fuzzState,
		"code=abc&state=" + fuzzState,
		"abc",
		"http://h/cb?error=access_denied&error_description=no&state=" + fuzzState,
		"?state=" + fuzzState + "&state=" + fuzzState + "&code=x",
		"%zz?&&==",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p, err := ParsePasted(in, fuzzState)
		if err != nil {
			if strings.Contains(err.Error(), fuzzState) {
				t.Fatal("an error reveals the state")
			}
			return
		}
		if strings.IndexFunc(p.Code.Reveal(), unicode.IsSpace) >= 0 || p.Code == "" {
			t.Fatalf("bad code %q", p.Code.Reveal())
		}
		if p.StateChecked && !strings.Contains(in, fuzzState) && !strings.Contains(in, url.QueryEscape(fuzzState)) {
			t.Fatalf("state-checked without the state: %q", in)
		}
	})
}

// FuzzCallbackQuery: a query is accepted only with exactly one state equal
// to the session's, and then yields a code or a provider error, not both.
func FuzzCallbackQuery(f *testing.F) {
	for _, s := range []string{
		"code=abc&state=" + fuzzState,
		"error=access_denied&state=" + fuzzState,
		"code=abc&state=wrong",
		"state=" + fuzzState + "&state=" + fuzzState,
		"code=a&code=b&state=" + fuzzState,
		"state=%zz",
		"",
	} {
		f.Add(s)
	}
	l := &Listener{state: fuzzState}
	f.Fuzz(func(t *testing.T, raw string) {
		res, why := l.check(raw)
		if why != "" {
			return
		}
		q, err := url.ParseQuery(raw)
		if err != nil || len(q["state"]) != 1 || q.Get("state") != fuzzState {
			t.Fatalf("accepted %q", raw)
		}
		if (res.Code == "") == (res.Err == nil) {
			t.Fatalf("accepted %q with code=%v err=%v", raw, res.Code != "", res.Err)
		}
	})
}
