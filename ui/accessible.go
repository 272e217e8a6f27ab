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
		fields = append(fields, m.input(f))
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
		huh.NewInput().Title(titleName).Value(&m.name).Validate(required),
		huh.NewInput().Title(titleTags+" (comma-separated)").Value(&m.tagsText),
	)); err != nil {
		return Answers{}, fmt.Errorf("details: %w", err)
	}
	return Answers{Creds: m.creds(), Name: trim(m.name), Tags: flow.ParseTags(m.tagsText), Extra: parseExtra(m.extraText), Remember: m.remember}, nil
}
