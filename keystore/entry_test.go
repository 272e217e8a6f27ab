package keystore

import (
	"strings"
	"testing"
)

func TestPlainID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"6407330382", true},
		{"a.b_c-D9", true},
		{strings.Repeat("x", 64), true},
		{strings.Repeat("x", 65), false},
		{"", false},
		{".", false},
		{"..", false},
		{"...", true},
		{"a/b", false},
		{"a b", false},
		{"é", false},
		{"a\n", false},
		{"a:b", false},
	} {
		if got := plainID(tc.id); got != tc.want {
			t.Errorf("plainID(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}
