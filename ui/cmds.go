package ui

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/ui/wizard"
)

// SignalMsg tells the wizard a signal asked it to stop. Like ctrl+c, it
// quits at once, except while creating, when the save finishes first.
type SignalMsg struct{}

// Messages: each is the result of one Cmd.
type (
	tickMsg       struct{}
	rememberedMsg struct {
		creds   flow.Credentials
		baseURL string // the platform they are remembered for
	}
	authorizedMsg struct {
		auth *flow.Authorization
		err  error
	}
	browserMsg  struct{ err error }
	copiedMsg   struct{ err error }
	approvedMsg struct{ err error }
	callbackMsg struct {
		gen int
		res callback.Result
	}
	refusalMsg struct {
		gen int
		r   callback.Refusal
	}
	createdMsg struct {
		created   flow.Created
		err       error
		note      string
		ambiguous bool  // the name is on several platforms
		alarm     error // Service.Alarm, once created
	}
	nameTakenMsg struct {
		name  string
		taken bool
		free  string
	}
	recoveredMsg struct {
		found []flow.Recovered
		err   error
	}
	adoptedMsg struct {
		rec flow.Recovered
		err error
	}
)

func loadRemembered(svc wizard.Service, baseURL string) tea.Cmd {
	return func() tea.Msg {
		c, ok := svc.Remembered(baseURL)
		if !ok {
			return nil
		}
		return rememberedMsg{c, baseURL}
	}
}

func authorize(svc wizard.Service, creds flow.Credentials) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*platform.DefaultTimeout)
		defer cancel()
		a, err := svc.Authorize(ctx, creds)
		return authorizedMsg{a, err}
	}
}

// openBrowser opens the browser on the authorization's one-time link (a
// fresh one each time), never on the authorize URL itself: the state must
// not sit in the browser's argv.
func openBrowser(svc wizard.Service, a *flow.Authorization) tea.Cmd {
	return func() tea.Msg { return browserMsg{svc.OpenBrowser(a.BrowserURL())} }
}

func copyURL(svc wizard.Service, url string) tea.Cmd {
	return func() tea.Msg { return copiedMsg{svc.Copy(url)} }
}

func approve(svc wizard.Service, url string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), platform.DefaultTimeout)
		defer cancel()
		return approvedMsg{svc.Approve(ctx, url)}
	}
}

// closeAuthorization closes an authorization's listener. A graceful
// shutdown may take up to a second, so it never runs inside Update.
func closeAuthorization(a *flow.Authorization) tea.Cmd {
	if a == nil {
		return nil
	}
	return func() tea.Msg {
		a.Close()
		return nil
	}
}

// waitCallback blocks on the listener's channel until the callback or until
// the authorization ends.
func waitCallback(ctx context.Context, done <-chan callback.Result, gen int) tea.Cmd {
	return waitOn(ctx, done, func(r callback.Result) tea.Msg { return callbackMsg{gen, r} })
}

// waitRefusals blocks on the listener's refusals until one comes (the
// step re-arms it) or the authorization ends.
func waitRefusals(ctx context.Context, refusals <-chan callback.Refusal, gen int) tea.Cmd {
	return waitOn(ctx, refusals, func(r callback.Refusal) tea.Msg { return refusalMsg{gen, r} })
}

// waitOn is the Cmd that waits for a value on ch, as msg, or for ctx to
// end (no message).
func waitOn[T any](ctx context.Context, ch <-chan T, msg func(T) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		select {
		case v := <-ch:
			return msg(v)
		case <-ctx.Done():
			return nil
		}
	}
}

// create sends the create and stores the token; it runs to the end even if
// the user quits meanwhile, so an issued token is never dropped.
func create(svc wizard.Service, r flow.CreateRequest) tea.Cmd {
	return func() tea.Msg {
		c, err := svc.Create(context.Background(), r)
		msg := createdMsg{created: c, err: err}
		if err == nil {
			msg.ambiguous = svc.NameIsAmbiguous(c.Saved.Entry.Name)
			msg.alarm = svc.Alarm()
		}
		switch {
		case c.RememberErr != nil:
			msg.note = "The secrets were not remembered: " + c.RememberErr.Error()
		case c.Remembered:
			msg.note = "The secrets are remembered in the keychain for next time."
		}
		return msg
	}
}

func checkName(svc wizard.Service, name, baseURL string) tea.Cmd {
	return func() tea.Msg {
		free := svc.AvailableName(name, baseURL)
		return nameTakenMsg{name, free != name, free}
	}
}

func recoverNow(svc wizard.Service, creds flow.Credentials) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*platform.DefaultTimeout)
		defer cancel()
		found, err := svc.Recover(ctx, creds)
		return recoveredMsg{found, err}
	}
}

// adoptCandidate settles the pending create with the instance the user
// picked among its candidates.
func adoptCandidate(svc wizard.Service, creds flow.Credentials, id platform.ID) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*platform.DefaultTimeout)
		defer cancel()
		rec, err := svc.AdoptCandidate(ctx, creds, id)
		return adoptedMsg{rec, err}
	}
}
