package keystore

import "testing"

// TestSamePlatform lists the spellings of one platform URL that users and
// platforms produce, and the ones that name another platform.
func TestSamePlatform(t *testing.T) {
	base := "https://api.example.com/v2"
	for _, same := range []string{
		"https://api.example.com/v2", "https://api.example.com/v2/", "HTTPS://API.EXAMPLE.COM/v2",
		"https://api.example.com.:443/v2", "https://api.example.com:443/v2//", " https://api.example.com/v2 ",
		"https://api.example.com/%76%32",
	} {
		if !SamePlatform(base, same) {
			t.Errorf("%q and %q should be the same platform (%q vs %q)", base, same, PlatformKey(base), PlatformKey(same))
		}
	}
	for _, other := range []string{
		"http://api.example.com/v2", "https://api.example.com:8443/v2", "https://api.example.com/v3",
		"https://api.example.com", "https://api.example.com/V2", "https://example.com/v2",
		"https://api.example.com/v2%2Fx", "https://api.example.com/v2/x",
	} {
		if SamePlatform(base, other) {
			t.Errorf("%q and %q should be different platforms (both %q)", base, other, PlatformKey(other))
		}
	}
	if k := PlatformKey("http://[::1]:8080/api/"); k != "http://[::1]:8080/api" {
		t.Errorf("PlatformKey of an IPv6 URL = %q", k)
	}
}
