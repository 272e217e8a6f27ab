package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
)

// statusSandbox is a sandbox holding the named instances, each in the
// factory's index with its token (in the file).
func statusSandbox(t *testing.T, names ...string) (*sandbox.Running, *Factory, *lockedBuffer, *lockedBuffer, map[string]sandbox.Instance) {
	t.Helper()
	sb := testkit.Sandbox(t, sandbox.Options{})
	o := sb.Options()
	f, out, errOut := testFactory(t, map[string]string{platform.EnvUserSecret: o.UserSecret, platform.EnvOrgSecret: o.OrgSecret})
	held := map[string]sandbox.Instance{}
	for _, n := range names {
		in := sb.Put(sandbox.Instance{Name: n, Connector: platform.DefaultConnector})
		held[n] = in
		e := keystore.Entry{Name: n, ID: fmt.Sprint(in.ID), Connector: in.Connector, BaseURL: sb.BaseURL}
		if _, err := f.store.Save(e, in.Token, true); err != nil {
			t.Fatal(err)
		}
	}
	return sb, f, out, errOut, held
}

// statusLines runs status with args and returns its exit code and its
// tab-separated lines by name.
func statusLines(t *testing.T, f *Factory, out *lockedBuffer, args ...string) (int, map[string][]string) {
	t.Helper()
	out.buf.Reset()
	code := run(t, context.Background(), f, append([]string{"status"}, args...)...)
	rows := map[string][]string{}
	for _, l := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		if l != "" {
			c := strings.Split(l, "\t")
			rows[c[0]] = c
		}
	}
	return code, rows
}

// status against the sandbox: there and valid, gone, a token that is not
// the platform's, disabled, invalid; each named, the exit code 1 for any.
func TestStatusAgainstTheSandbox(t *testing.T) {
	sb, f, out, errOut, held := statusSandbox(t, "well", "gone", "differs", "disabled", "invalid")
	c := sb.Credentials("")
	if err := platform.NewClient(sb.BaseURL, c.UserSecret, c.OrgSecret, "test").DeleteInstance(context.Background(), platform.ID(fmt.Sprint(held["gone"].ID))); err != nil {
		t.Fatal(err)
	}
	e, err := f.store.Find("differs", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SaveReplacing(e, "a-token-the-platform-never-issued", true); err != nil {
		t.Fatal(err)
	}
	sb.Change(held["disabled"].ID, func(in *sandbox.Instance) { in.Disabled = true })
	sb.Change(held["invalid"].ID, func(in *sandbox.Instance) { in.Invalid = true })

	code, rows := statusLines(t, f, out)
	if code != exitError || !strings.Contains(errOut.String(), "4 of 5 instances are not well") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// name, id, platform, state, valid, disabled, name there, token, problems
	for name, want := range map[string]string{
		"well":     "there|yes|no|well|matches|",
		"gone":     "gone|?|?||stored|gone from the platform (404)",
		"differs":  "there|yes|no|differs|differs|the token kept here is not the platform's",
		"disabled": "there|yes|yes|disabled|matches|disabled on the platform",
		"invalid":  "there|no|no|invalid|matches|the platform says it is not valid",
	} {
		r := rows[name]
		if len(r) != 9 {
			t.Fatalf("%s: %q", name, r)
		}
		if got := strings.Join(r[3:], "|"); !strings.HasPrefix(got, want) {
			t.Errorf("%s: %q, want %q…", name, got, want)
		}
	}
	for _, in := range held {
		if strings.Contains(out.String(), in.Token) || strings.Contains(errOut.String(), in.Token) {
			t.Fatal("status shows a token")
		}
	}

	if code, rows := statusLines(t, f, out, "well"); code != exitOK || len(rows) != 1 {
		t.Fatalf("status well: exit %d %q %s", code, rows, errOut)
	}
	if code, _ := statusLines(t, f, out, "nope"); code != exitUsage || !strings.Contains(errOut.String(), `no instance "nope"`) {
		t.Fatalf("status nope: exit %d %s", code, errOut)
	}
	if code, _ := statusLines(t, f, out, "--base-url", "https://p.example/api", "well"); code != exitUsage {
		t.Fatalf("status --base-url elsewhere: exit %d %s", code, errOut)
	}

	out.buf.Reset()
	if code := run(t, context.Background(), f, "status", "--json", "well", "gone"); code != exitError {
		t.Fatalf("--json: exit %d %s", code, errOut)
	}
	var js []map[string]any
	if err := json.Unmarshal([]byte(out.String()), &js); err != nil || len(js) != 2 {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	wantKeys := "baseUrl disabled id name ok platform platformName problems token valid"
	if got := keysOf(js[0]); got != wantKeys {
		t.Errorf("--json keys %q, want %q", got, wantKeys)
	}
	if js[0]["name"] != "well" || js[0]["platform"] != "there" || js[0]["valid"] != true || js[0]["disabled"] != false || js[0]["token"] != "matches" || js[0]["ok"] != true || len(js[0]["problems"].([]any)) != 0 {
		t.Errorf("--json well: %v", js[0])
	}
	if js[1]["platform"] != "gone" || js[1]["valid"] != nil || js[1]["ok"] != false || js[1]["platformName"] != nil {
		t.Errorf("--json gone: %v", js[1])
	}

	f.IO.SetTTY(true, true)
	out.buf.Reset()
	_ = run(t, context.Background(), f, "status")
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if !strings.HasPrefix(lines[0], "NAME") || len(lines) != 1+5+4 {
		t.Fatalf("table:\n%s", out)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 80 && !strings.HasPrefix(l, "✗") {
			t.Errorf("line %q is %d columns wide", l, w)
		}
	}
}

func keysOf(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return strings.Join(ks, " ")
}

// Without secrets for the platform nothing is sent: "not checked", exit 1.
func TestStatusWithoutSecrets(t *testing.T) {
	sb, _, _, _, held := statusSandbox(t, "well")
	f, out, errOut := testFactory(t, nil)
	e := keystore.Entry{Name: "well", ID: fmt.Sprint(held["well"].ID), BaseURL: sb.BaseURL}
	if _, err := f.store.Save(e, held["well"].Token, true); err != nil {
		t.Fatal(err)
	}
	code, rows := statusLines(t, f, out)
	if code != exitError || rows["well"][3] != "not checked" || !strings.Contains(rows["well"][8], "no secrets") {
		t.Fatalf("exit %d %q %s", code, rows, errOut)
	}
}

// A platform that answers with an error (a gateway's page, a 404 page that
// is not the platform's) is a platform error, never "gone"; a hostile
// platform's escape sequences reach no output.
func TestStatusPlatformErrorsAndHostile(t *testing.T) {
	evil := "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\u009b31m\u009dx\u202eevil\u2066"
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if status != http.StatusOK {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "<html><title>"+evil+"</title>"+evil+"</html>")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "1", "name": "there" + evil, "token": "tok", "valid": "false", "disabled": 1,
			platform.WireConnector: map[string]any{"key": "k" + evil, "disabled": true},
		})
	}))
	defer srv.Close()
	base := srv.URL + "/api"
	f, out, errOut := testFactory(t, map[string]string{platform.EnvUserSecret: "u", platform.EnvOrgSecret: "o", "CONNECTWIZ_BASE_URL": base})
	if _, err := f.store.Save(keystore.Entry{Name: "mine", ID: "1", BaseURL: base}, "tok", true); err != nil {
		t.Fatal(err)
	}
	for _, s := range []int{http.StatusOK, http.StatusInternalServerError, http.StatusNotFound} {
		status = s
		for _, args := range [][]string{{"status"}, {"status", "--json"}} {
			for _, tty := range []bool{false, true} {
				f.IO.SetTTY(tty, tty)
				out.buf.Reset()
				errOut.buf.Reset()
				if code := run(t, context.Background(), f, args...); code != exitError {
					t.Fatalf("%d %v: exit %d %s", s, args, code, errOut)
				}
				testkit.AssertInert(t, fmt.Sprint(s, args, tty), []byte(out.String()+errOut.String()))
				if s != http.StatusOK && (!strings.Contains(out.String(), "platform error") || strings.Contains(out.String(), "gone")) {
					t.Errorf("%d %v: not a platform error:\n%s", s, args, out)
				}
			}
		}
	}
	status = http.StatusOK
	f.IO.SetTTY(false, false)
	_, rows := statusLines(t, f, out)
	if got := strings.Join(rows["mine"][3:8], "|"); !strings.HasPrefix(got, "there|no|yes|there") || !strings.HasSuffix(got, "|matches") {
		t.Errorf("tolerant decoding: %q", got)
	}
}

// --sandbox reads the sandbox's store, and asks its platforms with the
// sandbox's public secrets when none are given.
func TestStatusSandboxStore(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	in := sb.Put(sandbox.Instance{Name: "sb", Connector: platform.DefaultConnector})
	f, out, errOut := testFactory(t, nil)
	e := keystore.Entry{Name: "sb", ID: fmt.Sprint(in.ID), Connector: in.Connector, BaseURL: sb.BaseURL}
	if _, err := f.store.SandboxStore().Save(e, in.Token, true); err != nil {
		t.Fatal(err)
	}
	if code, rows := statusLines(t, f, out, "--sandbox"); code != exitOK || strings.Join(rows["sb"][3:8], "|") != "there|yes|no|sb|matches" {
		t.Fatalf("status --sandbox: exit %d %q %s", code, rows, errOut)
	}
	if code, _ := statusLines(t, f, out, "sb"); code != exitUsage {
		t.Fatalf("the real store knows the sandbox's instance (exit %d)", code)
	}
}
