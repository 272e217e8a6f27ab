package flow

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/keystore"
)

// ClockSkew is how much earlier than a pending record's start an
// instance's creation time on the platform may be and still be the
// instance that create made: the platform's clock and this machine's
// differ.
const ClockSkew = 5 * time.Minute

// Match is what the platform shows about one pending create.
type Match struct {
	// Found is set when exactly one instance is the create's: Instance.
	Found    bool
	Instance platform.Instance
	// Candidates are several instances that may each be the create's: they
	// are shown for the user to choose (Session.Adopt), never guessed.
	Candidates []platform.Instance
}

// Local is what this machine knows of a platform: the ids of its local
// entries, and the names of its other pending creates.
type Local struct {
	IDs     map[string]bool
	Pending []string
}

// explained reports whether another pending create's name accounts for
// the instance better than name does: the instance has that create's
// (exact, trimmed or suffixed) name, and not name's, or a longer one than
// name ("gw-1-b (7)" is gw-1-b's, not gw-1's).
func (l Local) explained(in platform.Instance, name string) bool {
	ours := similarName(in.Name, name)
	return slices.ContainsFunc(l.Pending, func(other string) bool {
		return foldName(other) != foldName(name) && similarName(in.Name, other) && (!ours || len(foldName(other)) > len(foldName(name)))
	})
}

// MatchPending tells which of the platform's instances (list) a pending
// create made. A candidate has the create's connector key, an id not known
// here (local.IDs) and is new: created
// at or after the record's start less ClockSkew where the platform gives a
// creation time, absent from the listing taken before the create where one
// was taken (a record with neither only accepts its exact name). Among the
// candidates the exact name wins, then a name the platform trimmed or
// suffixed, then any: exactly one at the first of those that has any is
// the instance; several are returned as Candidates; none means nothing
// was made. An instance that another pending create here (local.Pending)
// accounts for better by its name is that create's, never a candidate.
func MatchPending(p keystore.Pending, list []platform.Instance, local Local) Match {
	before := make(map[string]bool, len(p.Before))
	for _, id := range p.Before {
		before[id] = true
	}
	var cands []platform.Instance
	for _, in := range list {
		switch {
		case in.Connector.Key != p.Connector, in.ID == "", local.IDs[string(in.ID)], local.explained(in, p.Name):
			continue
		case p.Listed && before[string(in.ID)]:
			continue
		case !in.Created.IsZero() && in.Created.Before(p.StartedAt.Add(-ClockSkew)):
			continue
		case !p.Listed && in.Created.IsZero() && in.Name != p.Name:
			continue
		}
		cands = append(cands, in)
	}
	for _, tier := range []func(platform.Instance) bool{
		func(in platform.Instance) bool { return in.Name == p.Name },
		func(in platform.Instance) bool { return similarName(in.Name, p.Name) },
		func(platform.Instance) bool { return true },
	} {
		var hit []platform.Instance
		for _, in := range cands {
			if tier(in) {
				hit = append(hit, in)
			}
		}
		switch len(hit) {
		case 0:
			continue
		case 1:
			return Match{Found: true, Instance: hit[0]}
		}
		slices.SortFunc(hit, func(a, b platform.Instance) int { return strings.Compare(string(a.ID), string(b.ID)) })
		return Match{Candidates: hit}
	}
	return Match{}
}

// similarName reports whether the platform's name is the asked name as a
// platform may store it: trimmed, folded in case or white space, or with a
// suffix after a non-alphanumeric character ("name (2)", "name-7f3a").
func similarName(got, asked string) bool {
	g, a := foldName(got), foldName(asked)
	if a == "" || g == "" {
		return false
	}
	if g == a {
		return true
	}
	rest, ok := strings.CutPrefix(g, a)
	if !ok {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

func foldName(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// localOf is what the store knows of p's platform, p itself left out.
func localOf(st *keystore.Store, p keystore.Pending) (Local, error) {
	entries, err := st.Entries()
	if err != nil {
		return Local{}, err
	}
	local := Local{IDs: map[string]bool{}}
	for _, e := range entries {
		if keystore.SamePlatform(e.BaseURL, p.BaseURL) {
			local.IDs[e.ID] = true
		}
	}
	pending, err := st.PendingCreates()
	if err != nil {
		return Local{}, err
	}
	for _, o := range pending {
		if o.ID != p.ID && keystore.SamePlatform(o.BaseURL, p.BaseURL) {
			local.Pending = append(local.Pending, o.Name)
		}
	}
	return local, nil
}

// describeCandidates lists candidates for the user, one per line.
func describeCandidates(cands []platform.Instance) string {
	var b strings.Builder
	for _, in := range cands {
		fmt.Fprintf(&b, "\n  id %s  %q", in.ID, in.Name)
		if !in.Created.IsZero() {
			fmt.Fprintf(&b, "  created %s", in.Created.UTC().Format(time.RFC3339))
		}
	}
	return b.String()
}
