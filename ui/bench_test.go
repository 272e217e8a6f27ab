package ui

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/ui/wizard"
	"github.com/connectwiz/connectwiz/ui/wizard/wizardtest"
)

// BenchmarkCallbackToNextScreen times the path from the browser's callback
// reaching a real loopback listener to the wizard having rendered its next
// screen: HTTP request, listener, waiting Cmd, Update, View.
func BenchmarkCallbackToNextScreen(b *testing.B) {
	client := &http.Client{Timeout: 5 * time.Second}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		m := New(wizardtest.New(), wizard.Options{Creds: fullCreds(), Tick: time.Hour, Name: "bench"})
		state := callback.NewState()
		l, err := callback.Listen("http://127.0.0.1:0/callback", state, nil)
		if err != nil {
			b.Fatal(err)
		}
		m.auth = &flow.Authorization{URL: "https://provider.test/authorize", State: state, CallbackURL: l.URL, Listener: l, Done: l.Done()}
		m.authGen = 1
		m.authCtx, m.authCancel = context.WithCancel(context.Background())
		m.step = stepWaiting
		wait := waitCallback(m.authCtx, m.auth.Done, m.authGen)
		msgs := make(chan tea.Msg, 1)
		go func() { msgs <- wait() }()
		cb := l.URL + "?" + url.Values{"code": {"c"}, "state": {state.Reveal()}}.Encode()
		b.StartTimer()

		resp, err := client.Get(cb)
		if err != nil {
			b.Fatal(err)
		}
		m.Update(<-msgs)
		view := m.View()

		b.StopTimer()
		_ = resp.Body.Close()
		if m.step != stepDetails || len(view) == 0 {
			b.Fatalf("step %s after the callback", m.step)
		}
		l.Close()
	}
}
