package browser

import "testing"

// TestDecodePunycode: RFC 3492's samples and the broken ones.
func TestDecodePunycode(t *testing.T) {
	for in, want := range map[string]string{
		"bcher-kva":                "bücher",
		"mnchen-3ya":               "münchen",
		"ihqwcrb4cv8a8dqg056pqjye": "他们为什么不说中文",
		"egbpdaj6bu4bxfgehfvwxn":   "ليهمابتكلموشعربي؟",
		"3B-ww4c5e180e575a65lsy2b": "3年B組金八先生",
		"":                         "",
	} {
		got, err := decodePunycode(in)
		if err != nil || got != want {
			t.Errorf("decodePunycode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"a-!", "99999999999", "bcher-kv€", "zzzzzzzzzzzzzzzzz"} {
		if got, err := decodePunycode(bad); err == nil && isASCII(got) {
			t.Errorf("decodePunycode(%q) = %q, no error", bad, got)
		}
	}
}

// TestHostProblem lists the host spellings users and platforms produce.
func TestHostProblem(t *testing.T) {
	for host, ok := range map[string]bool{
		"login.microsoftonline.com": true, "LOGIN.Example.COM.": true, "bücher.example": true,
		"xn--bcher-kva.example": true, "xn--mnchen-3ya.de": true, "127.0.0.1": true, "::1": true,
		"a--b.example": true, "0.example": true,
		"ab--c.example": false, "xn--ab-.example": false, "exa_mple.com": false, "a..b": false,
		"-a.example": false, "micro\u3164soft.com": false, "a\u200bb.example": false, "\u0301a.example": false,
		"a b.example": false,
	} {
		if err := hostProblem(host); (err == nil) != ok {
			t.Errorf("hostProblem(%q) = %v, want ok=%v", host, err, ok)
		}
	}
}
