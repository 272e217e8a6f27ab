package flow_test

import (
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/keystore"
)

// The one rule for which platform instance a pending create made.
func TestMatchPending(t *testing.T) {
	start := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	in := func(id, name string, created time.Duration) platform.Instance {
		i := platform.Instance{ID: platform.ID(id), Name: name, Connector: platform.Connector{Key: "box"}}
		if created != 0 {
			i.Created = start.Add(created)
		}
		return i
	}
	listed := keystore.Pending{Name: "mine", Connector: "box", StartedAt: start, Listed: true, Before: []string{"1"}}
	unlisted := keystore.Pending{Name: "mine", Connector: "box", StartedAt: start}
	tests := []struct {
		name  string
		p     keystore.Pending
		list  []platform.Instance
		local flow.Local
		want  string // the id found, "a,b" for candidates, "" for none
	}{
		{"exact name", listed, []platform.Instance{in("2", "mine", time.Second)}, flow.Local{}, "2"},
		{"exact name wins over a suffixed one", listed, []platform.Instance{in("2", "mine (1)", time.Second), in("3", "mine", time.Second)}, flow.Local{}, "3"},
		{"trimmed and suffixed", listed, []platform.Instance{in("2", "Mine (7)", time.Second), in("3", "mine2", time.Second), in("4", "other", time.Second)}, flow.Local{}, "2"},
		{"one new of the connector, another name", listed, []platform.Instance{in("2", "renamed entirely", time.Second)}, flow.Local{}, "2"},
		{"several: shown", listed, []platform.Instance{in("2", "x", time.Second), in("3", "y", time.Second)}, flow.Local{}, "2,3"},
		{"two of the exact name: shown", listed, []platform.Instance{in("2", "mine", time.Second), in("3", "mine", time.Second)}, flow.Local{}, "2,3"},
		{"listed before the create", listed, []platform.Instance{in("1", "mine", time.Second)}, flow.Local{}, ""},
		{"older than the start less the skew", unlisted, []platform.Instance{in("2", "mine", -time.Hour)}, flow.Local{}, ""},
		{"within the clock skew", unlisted, []platform.Instance{in("2", "mine", -time.Minute)}, flow.Local{}, "2"},
		{"a colleague's older one and ours", unlisted, []platform.Instance{in("2", "mine", -time.Hour), in("3", "mine", time.Second)}, flow.Local{}, "3"},
		{"known here", listed, []platform.Instance{in("2", "mine", time.Second)}, flow.Local{IDs: map[string]bool{"2": true}}, ""},
		{"another connector", listed, []platform.Instance{{ID: "2", Name: "mine", Connector: platform.Connector{Key: "dropbox"}}}, flow.Local{}, ""},
		{"another pending create's", listed, []platform.Instance{in("2", "theirs (4)", time.Second)}, flow.Local{Pending: []string{"theirs"}}, ""},
		{"a longer pending name's", listed, []platform.Instance{in("2", "mine-b (4)", time.Second), in("3", "mine (5)", time.Second)}, flow.Local{Pending: []string{"mine-b"}}, "3"},
		{"no time, no listing: exact name only", unlisted, []platform.Instance{in("2", "other", 0), in("3", "mine", 0)}, flow.Local{}, "3"},
		{"no time, listed: new ids", listed, []platform.Instance{in("1", "mine", 0), in("2", "mine (2)", 0)}, flow.Local{}, "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := flow.MatchPending(tt.p, tt.list, tt.local)
			got := ""
			if m.Found {
				got = string(m.Instance.ID)
			}
			var ids []string
			for _, c := range m.Candidates {
				ids = append(ids, string(c.ID))
			}
			if len(ids) > 0 {
				got = strings.Join(ids, ",")
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
