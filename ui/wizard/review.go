package wizard

import (
	"strings"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
)

// Row is one line of the summary or the review, as every presenter shows
// it: a label and its value, no secret in it.
type Row struct {
	Label, Value string
	// Muted: the value is a remark (drawn dim where there is colour).
	Muted bool
	// Entry: a configuration entry (Label = Value), under the row that
	// heads them.
	Entry bool
}

// Summary is the credentials as the summary shows them, secrets masked,
// then what the callback URL means.
func (a *Answers) Summary() []Row {
	rows := make([]Row, 0, len(Fields)+1)
	for _, f := range Fields {
		v := *f.Value(a)
		if f.Secret {
			v = mask(v)
		}
		rows = append(rows, Row{Label: f.Title, Value: v})
	}
	return append(rows, Row{Value: CallbackNote(a.CallbackURL), Muted: true})
}

// Review is the request about to be sent, secrets and the code masked.
func (a *Answers) Review() []Row {
	req := a.Request()
	tags := Row{Label: "Tags", Value: strings.Join(req.Tags, ", ")}
	if tags.Value == "" {
		tags.Value, tags.Muted = "(none)", true
	}
	rows := []Row{
		{Label: "Platform", Value: a.Creds().BaseURL},
		{Label: "Connector", Value: req.Connector},
		{Label: "Name", Value: req.Name},
		tags,
		{Label: "Configuration"},
	}
	for _, k := range req.ConfigKeys() {
		v := req.Extra[k]
		switch {
		case k == platform.ConfigClientID:
			v = req.ClientID
		case k == platform.ConfigCallbackURL:
			v = req.CallbackURL
		case k == platform.ConfigClientSecret || secret.IsSecretKey(k):
			v = secret.Mask
		}
		rows = append(rows, Row{Label: k, Value: v, Entry: true})
	}
	return append(rows, Row{Label: "Code", Value: secret.Mask + " (from the provider)"})
}

// The words every presenter says alike.
const (
	// SaySummary heads the summary, SayReview the review.
	SaySummary = "Ready with these credentials:"
	SayReview  = "This is the request about to be sent:"
	// SayNothingFound: recovering a lost answer found no instance.
	SayNothingFound = "The answer was lost, and the platform has no such instance: nothing was created."
	// SayFinishing: ctrl+c during a create waits for it to finish.
	SayFinishing = "Finishing the create and saving the token before quitting, so it is not lost…"
)

// Capitalize is s with its first letter upper-cased: a clause made a
// sentence.
func Capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func mask(s string) string {
	if trim(s) == "" {
		return "(missing)"
	}
	return secret.Mask
}
