package flow

import (
	"errors"
	"fmt"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/keystore"
)

// NewInstanceRequest is the one constructor of the instance request every
// front-end sends: the credentials' connector and OAuth client, the code
// and the callback URL it was issued for, and the instance's own answers.
func NewInstanceRequest(c Credentials, code secret.Secret, callbackURL, name string, tags []string, extra map[string]string) platform.InstanceRequest {
	return platform.InstanceRequest{
		Connector:    c.Connector,
		Code:         code,
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		CallbackURL:  callbackURL,
		Extra:        extra,
		Tags:         tags,
		Name:         name,
	}
}

// ReportRow is one labelled line of a report.
type ReportRow struct{ Label, Value string }

// CreatedReport is what every front-end says about a created instance, in
// one set of words: the wizard's done screen draws it, cli prints it.
type CreatedReport struct {
	// Title is the headline.
	Title string
	// Rows are the instance: name, id, connector, where its token is.
	Rows []ReportRow
	// Warning is why the token went to the unencrypted file; empty when
	// it did not.
	Warning string
	// Renamed says the name asked for was taken meanwhile; empty when not.
	Renamed string
	// AnswerLost says the create's answer was lost and the instance found
	// on the platform; empty when the answer came.
	AnswerLost string
	// TokenHint introduces TokenCommand, the command that prints the token.
	TokenHint    string
	TokenCommand string
}

// Report words a created instance; tokenCommand is the command that prints
// a token as the user started connectwiz (the quoted name follows it).
func (c Created) Report(tokenCommand string) CreatedReport { return c.ReportFor(tokenCommand, false) }

// ReportFor is Report, its token command naming the platform (--base-url)
// when ambiguous: the name exists on several platforms in the local index
// (Session.NameIsAmbiguous), and the bare name would not do.
func (c Created) ReportFor(tokenCommand string, ambiguous bool) CreatedReport {
	e := c.Saved.Entry
	if ambiguous && e.BaseURL != "" {
		tokenCommand += " --base-url " + platform.ShellQuote(e.BaseURL)
	}
	r := CreatedReport{
		Title: "Instance created",
		Rows: []ReportRow{
			{"Name", e.Name}, {"ID", e.ID}, {"Connector", e.Connector}, {"Token", "in " + c.Saved.Where()},
		},
		Warning:      c.Saved.Warning,
		TokenHint:    "Get the token in scripts with:",
		TokenCommand: tokenCommand + " " + platform.ShellQuote(e.Name),
	}
	if c.Saved.RenamedFrom != "" {
		r.Renamed = fmt.Sprintf("The name %q was taken meanwhile (another create, or a recovered one): this instance is kept as %q.", c.Saved.RenamedFrom, e.Name)
	}
	if c.AnswerLost != nil {
		r.AnswerLost = "The create's answer was lost, but the instance was found on the platform and its token stored."
	}
	return r
}

// NameIsAmbiguous reports whether the local index has name on several
// platforms: 'connectwiz token NAME' then needs --base-url.
func (s *Session) NameIsAmbiguous(name string) bool {
	_, err := s.Store.Find(name, "")
	return errors.Is(err, keystore.ErrAmbiguous)
}
