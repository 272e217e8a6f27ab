package ui

import (
	"fmt"
	"io"

	"github.com/charmbracelet/huh"

	"github.com/connectwiz/connectwiz/flow"
)

// Answers are what the accessible prompts collected.
type Answers struct {
	Creds    flow.Credentials
	Name     string
	Tags     []string
	Extra    map[string]string
	Remember bool
}

// Accessible asks the wizard's questions as plain line prompts (huh's
// accessible mode), for screen readers. Prefilled secrets are not asked
// again. The caller then runs the same flow steps as the headless mode.
func Accessible(in io.Reader, out io.Writer, opts Options) (Answers, error) {
	m := New(nil, opts)
	var fields []huh.Field
	for _, f := range credentialFields {
		if f.secret && *f.value(m) != "" {
			continue
		}
		fields = append(fields, accessibleInput(f.title, f.secret, f.value(m), f.validate))
	}
	if !opts.Sandbox {
		fields = append(fields, huh.NewConfirm().Title("Remember the secrets in the keychain?").Value(&m.remember))
	}
	run := func(groups ...*huh.Group) error {
		return huh.NewForm(groups...).WithAccessible(true).WithInput(in).WithOutput(out).Run()
	}
	if err := run(huh.NewGroup(fields...)); err != nil {
		return Answers{}, fmt.Errorf("credentials: %w", err)
	}
	if err := run(huh.NewGroup(
		accessibleInput(titleName, false, &m.name, required),
		accessibleInput(titleTags+" (comma-separated, optional)", false, &m.tagsText, func(string) error { return nil }),
	)); err != nil {
		return Answers{}, fmt.Errorf("details: %w", err)
	}
	return Answers{Creds: m.creds(), Name: trim(m.name), Tags: flow.ParseTags(m.tagsText), Extra: parseExtra(m.extraText), Remember: m.remember}, nil
}

// accessibleInput is a line prompt that shows its current value and keeps
// it on an empty answer (huh's accessible prompt validates the raw line
// before applying the default).
func accessibleInput(title string, secret bool, value *string, validate func(string) error) *huh.Input {
	current := *value
	in := huh.NewInput().Value(value).Validate(func(s string) error {
		if trim(s) == "" {
			return validate(current)
		}
		return validate(s)
	})
	if secret {
		return in.Title(title + ":").EchoMode(huh.EchoModePassword)
	}
	if current != "" {
		title += " [" + current + "]"
	}
	return in.Title(title + ":")
}
